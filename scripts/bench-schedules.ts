// `npm run bench:schedules`: next-fire throughput of our engine, cron-parser and croner on the
// same expressions, zones and start times, in one run, printed as ratios (absolute numbers
// depend on the machine and on whatever else runs on it; ratios much less so).
//
// Two measures:
// - "parse + next": what a status computation does for each check (parseSchedule(...).next(lastPing));
//   ours memoises parsed schedules, the libraries parse every time (they offer no such cache).
// - "next only": the expression parsed once, then next() from each start.
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import { parseSchedule } from '../app/src/core/schedule/index.ts';
import { random } from '../app/src/testing/schedule-fuzz.ts';

const EXPRESSIONS = [
  '* * * * *', '*/5 * * * *', '0 * * * *', '30 1 * * *', '0 3 * * *', '15 2 * * 1-5', '0 9-17 * * MON-FRI',
  '*/15 9-17 * * *', '0 0 1 * *', '0 0 * * 0', '0 12 1,15 * *', '45 23 * * 6', '0 */6 * * *', '5 4 * * SUN',
  '0 0 1 1 *', '0 22 * * 1-5', '23 0-20/2 * * *', '0 0,12 1 */2 *', '59 23 28-31 * *', '10 2 * 3,10 0',
];
const ZONES = ['UTC', 'Europe/Riga', 'America/New_York', 'Australia/Sydney', 'Europe/Dublin', 'Asia/Kolkata'];
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5;
const next = random(42);
// Start times spread over 2020-2030, as last pings would be.
const STARTS = Array.from({ length: 200 }, () => new Date(Date.UTC(2020, 0, 1) + Math.floor(next() * 10 * 365 * 86400) * 1000));

type Engine = { name: string; parseAndNext: (e: string, tz: string, d: Date) => unknown; prepare: (e: string, tz: string) => (d: Date) => unknown };

const engines: Engine[] = [
  {
    name: 'cronwarden',
    parseAndNext: (e, tz, d) => parseSchedule('cron', e, tz).next(d),
    prepare: (e, tz) => {
      const schedule = parseSchedule('cron', e, tz);
      return (d) => schedule.next(d);
    },
  },
  {
    name: 'cron-parser',
    parseAndNext: (e, tz, d) => CronExpressionParser.parse(e, { currentDate: d, tz }).next(),
    prepare: (e, tz) => {
      const interval = CronExpressionParser.parse(e, { tz });
      return (d) => {
        interval.reset(d);
        return interval.next();
      };
    },
  },
  {
    name: 'croner',
    parseAndNext: (e, tz, d) => new Cron(e, { timezone: tz, paused: true }).nextRun(d),
    prepare: (e, tz) => {
      const job = new Cron(e, { timezone: tz, paused: true });
      return (d) => job.nextRun(d);
    },
  },
];

/** Calls per second of `run` over every expression, zone and start. */
function measure(run: (e: string, tz: string, d: Date) => unknown): number {
  let calls = 0;
  const began = performance.now();
  for (const tz of ZONES) for (const e of EXPRESSIONS) for (const d of STARTS) {
    run(e, tz, d);
    calls++;
  }
  return calls / ((performance.now() - began) / 1000);
}

function measurePrepared(engine: Engine): number {
  const prepared = ZONES.flatMap((tz) => EXPRESSIONS.map((e) => engine.prepare(e, tz)));
  let calls = 0;
  const began = performance.now();
  for (const run of prepared) for (const d of STARTS) {
    run(d);
    calls++;
  }
  return calls / ((performance.now() - began) / 1000);
}

const results = engines.map((engine) => ({ name: engine.name, parseAndNext: 0, nextOnly: 0 }));
// Warm-up round (JIT, Intl formatters, our zone tables), then the best of ROUNDS rounds each.
for (let round = 0; round <= ROUNDS; round++) {
  engines.forEach((engine, i) => {
    const a = measure(engine.parseAndNext);
    const b = measurePrepared(engine);
    if (round > 0) {
      results[i]!.parseAndNext = Math.max(results[i]!.parseAndNext, a);
      results[i]!.nextOnly = Math.max(results[i]!.nextOnly, b);
    }
  });
}

const ours = results[0]!;
const cases = EXPRESSIONS.length * ZONES.length * STARTS.length;
console.log(`bench:schedules: ${EXPRESSIONS.length} expressions x ${ZONES.length} zones x ${STARTS.length} starts = ${cases} next() calls per round, best of ${ROUNDS} rounds`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(12)} parse + next: ${Math.round(r.parseAndNext).toLocaleString('en-US').padStart(10)}/s` +
      `   next only: ${Math.round(r.nextOnly).toLocaleString('en-US').padStart(10)}/s`,
  );
}
for (const r of results.slice(1)) {
  console.log(
    `cronwarden vs ${r.name}: ${(ours.parseAndNext / r.parseAndNext).toFixed(1)}x (parse + next), ` +
      `${(ours.nextOnly / r.nextOnly).toFixed(1)}x (next only)`,
  );
}
