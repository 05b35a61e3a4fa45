import t from 'tap';
import { readFileSync } from 'node:fs';
import { ScheduleError, explainCron } from './index.ts';

interface ExplainCase {
  expr: string;
  explain: string;
  /** cronsim's wording where ours deliberately differs. */
  cronsim?: string;
}

// cronsim's explain() table, then the rows where we word it differently on purpose: ordinals
// ("21st", not "21th"), "5-5/15" (every 15 minutes from 5, not minute 5), and day-of-month
// OR day-of-week where one of them allows every day (so every day matches).
const cases: ExplainCase[] = JSON.parse(readFileSync(new URL('fixtures/explain.json', import.meta.url), 'utf8'));

t.test('descriptions read as cronsim words them, except where cronsim is wrong', async (t) => {
  t.ok(cases.length > 150);
  for (const c of cases) t.equal(explainCron(c.expr), c.explain, c.expr);
});

t.test('an expression that does not parse cannot be described', async (t) => {
  t.throws(() => explainCron('0 0 31 2 *'), new ScheduleError('Bad day-of-month'));
  t.throws(() => explainCron('* * *'), new ScheduleError('Wrong number of fields'));
});
