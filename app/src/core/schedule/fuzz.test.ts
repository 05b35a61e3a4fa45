// A small run of the schedule fuzzer (the full million: npm run fuzz:schedules). Asserts only
// that nothing but ScheduleError escapes and that answers stay on the right side of the start;
// the slowest case is reported, not asserted (tests carry no timing assertions).
import t from 'tap';
import { fuzzCase, runFuzzCase } from '../../testing/schedule-fuzz.ts';

t.test('random and mutated schedules throw nothing but ScheduleError and never go backwards', async (t) => {
  const count = 4000;
  const problems: string[] = [];
  const errors: string[] = [];
  let slowest = 0;
  for (let index = 0; index < count; index++) {
    const c = fuzzCase(7, index);
    const started = performance.now();
    try {
      const outcome = runFuzzCase(c);
      if (outcome.problem !== null) problems.push(`${outcome.problem}: ${JSON.stringify(c)}`);
    } catch (error) {
      errors.push(`${String(error)}: ${JSON.stringify(c)}`);
    }
    slowest = Math.max(slowest, performance.now() - started);
  }
  t.same(errors, [], 'only ScheduleError is thrown');
  t.same(problems, [], 'next is after and prev before the start, and they retrace each other');
  t.comment(`${count} cases, slowest ${slowest.toFixed(2)} ms`);
});
