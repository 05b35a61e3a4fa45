// `npm run fuzz:schedules [-- --count N --seed S]`: a million random and mutated cron and
// OnCalendar expressions (random zones, starts from year 1 to 9999) through parse, next and
// prev. Fails on any error other than ScheduleError or a broken ordering rule; prints the
// slowest case, timed again alone to tell a slow case from a garbage collection pause.
import { clearScheduleCaches } from '../app/src/core/schedule/index.ts';
import { fuzzCase, runFuzzCase, type FuzzCase } from '../app/src/testing/schedule-fuzz.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const count = arg('--count', 1_000_000);
const seed = arg('--seed', 1);
const LIMIT_MS = 10;

let parsed = 0;
let rejected = 0;
const problems: string[] = [];
const slow: Array<{ ms: number; index: number }> = [];
let slowest = { ms: 0, index: -1 };
const began = performance.now();
for (let index = 0; index < count; index++) {
  const c = fuzzCase(seed, index);
  const t0 = performance.now();
  let outcome;
  try {
    outcome = runFuzzCase(c);
  } catch (error) {
    problems.push(`case ${index} threw ${String(error)}: ${describe(c)}`);
    continue;
  }
  const ms = performance.now() - t0;
  if (outcome.result === 'parsed') parsed++;
  else rejected++;
  if (outcome.problem !== null) problems.push(`case ${index}: ${outcome.problem}: ${describe(c)}`);
  if (ms > slowest.ms) slowest = { ms, index };
  if (ms > LIMIT_MS) slow.push({ ms, index });
  if ((index + 1) % 100_000 === 0) process.stderr.write(`${index + 1} cases, ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
}

function describe(c: FuzzCase): string {
  return JSON.stringify({ kind: c.kind, expression: c.expression, tz: c.tz, start: c.start.getTime() });
}

/** The case's best time out of three cold runs (caches emptied first, so table building counts). */
function retime(index: number): number {
  const c = fuzzCase(seed, index);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    clearScheduleCaches();
    const t0 = performance.now();
    runFuzzCase(c);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const retimedSlow = slow.map((s) => ({ ...s, again: retime(s.index) })).filter((s) => s.again > LIMIT_MS);
const seconds = (performance.now() - began) / 1000;
console.log(`fuzz:schedules seed ${seed}: ${count} cases in ${seconds.toFixed(1)} s (${parsed} parsed, ${rejected} rejected with ScheduleError)`);
console.log(`slowest case: ${slowest.ms.toFixed(2)} ms (case ${slowest.index}, ${retime(slowest.index).toFixed(3)} ms when run again alone from cold caches): ${slowest.index >= 0 ? describe(fuzzCase(seed, slowest.index)) : ''}`);
const worstAgain = slow.reduce((worst, s) => Math.max(worst, retime(s.index)), 0);
console.log(`cases over ${LIMIT_MS} ms: ${slow.length} in the run, ${retimedSlow.length} still over when run again alone from cold caches (slowest of them then: ${worstAgain.toFixed(3)} ms)`);
for (const s of retimedSlow.slice(0, 10)) console.log(`  ${s.again.toFixed(2)} ms: ${describe(fuzzCase(seed, s.index))}`);
for (const p of problems.slice(0, 20)) console.log(`PROBLEM ${p}`);
console.log(`${problems.length} problems`);
process.exitCode = problems.length > 0 || retimedSlow.length > 0 ? 1 : 0;
