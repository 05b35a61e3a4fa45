import t from 'tap';
import { readFileSync } from 'node:fs';
import { ScheduleError, fireTimes, formatInZone, parseSchedule } from './index.ts';

interface ParseCase {
  expr: string;
  error?: string;
  next?: string[];
  prev?: string[];
}

// cronsim's own validation table (every pattern with every bad value) and a few hundred more
// expressions, with what cronsim answers from 2020-01-01T00:00:00Z: its error, or the next and
// previous three fire times.
const cases: ParseCase[] = JSON.parse(readFileSync(new URL('fixtures/cron-parse.json', import.meta.url), 'utf8'));
const start = new Date('2020-01-01T00:00:00Z');
const iso = (dates: Date[]) => dates.map((date) => formatInZone(date, 'UTC'));

t.test('it accepts and rejects exactly what cronsim does, naming the field', async (t) => {
  t.ok(cases.length > 300, 'the table has hundreds of cases');
  for (const c of cases) {
    if (c.error !== undefined) {
      t.throws(() => parseSchedule('cron', c.expr, 'UTC'), new ScheduleError(c.error), JSON.stringify(c.expr));
      continue;
    }
    const schedule = parseSchedule('cron', c.expr, 'UTC');
    t.same(iso(fireTimes(schedule, start, 3)), c.next, `next of ${JSON.stringify(c.expr)}`);
    t.same(iso(fireTimes(schedule, start, 3, true)), c.prev, `prev of ${JSON.stringify(c.expr)}`);
  }
});

t.test('it rejects a huge range at once instead of building it', async (t) => {
  t.throws(() => parseSchedule('cron', '0-1000000000 * * * *', 'UTC'), new ScheduleError('Bad minute'));
  t.throws(() => parseSchedule('cron', `1-${'9'.repeat(5000)} * * * *`, 'UTC'), new ScheduleError('Bad minute'));
});

t.test('L, LW, weekday L and #n find the right days, leap years included', async (t) => {
  const table: Array<[string, string, string[]]> = [
    ['0 0 L 2 *', '2023-06-01T00:00:00Z', ['2024-02-29T00:00:00+00:00', '2025-02-28T00:00:00+00:00']],
    ['0 0 LW * *', '2024-08-01T00:00:00Z', ['2024-08-30T00:00:00+00:00', '2024-09-30T00:00:00+00:00', '2024-10-31T00:00:00+00:00']],
    ['0 0 * * 5L', '2024-02-01T00:00:00Z', ['2024-02-23T00:00:00+00:00', '2024-03-29T00:00:00+00:00']],
    ['0 0 * * MON#5', '2024-01-01T00:00:00Z', ['2024-01-29T00:00:00+00:00', '2024-04-29T00:00:00+00:00', '2024-07-29T00:00:00+00:00']],
    ['0 0 29 2 *', '2097-01-01T00:00:00Z', ['2104-02-29T00:00:00+00:00']],
    ['0 0 * 2 MON#5', '2020-01-01T00:00:00Z', ['2044-02-29T00:00:00+00:00', '2072-02-29T00:00:00+00:00', '2112-02-29T00:00:00+00:00']],
    ['0 0 29 2 MON', '2024-02-01T00:00:00Z', ['2024-02-05T00:00:00+00:00', '2024-02-12T00:00:00+00:00']],
  ];
  for (const [expr, from, want] of table) {
    t.same(iso(fireTimes(parseSchedule('cron', expr, 'UTC'), new Date(from), want.length)), want, expr);
  }
});

t.test('an expression that can never fire parses, and yields nothing either way', async (t) => {
  for (const expr of ['1 1 */100 * MON#4', '* * */20 * 1L', '0 0 */40 * 0L']) {
    const schedule = parseSchedule('cron', expr, 'Europe/Riga');
    t.same(fireTimes(schedule, start, 1), [], `next ${expr}`);
    t.same(fireTimes(schedule, start, 1, true), [], `prev ${expr}`);
  }
});

t.test('six-field expressions fire on the second', async (t) => {
  const schedule = parseSchedule('cron', '*/15 * * * * *', 'UTC');
  t.same(iso(fireTimes(schedule, new Date('2020-01-01T00:00:00.900Z'), 3)), [
    '2020-01-01T00:00:15+00:00', '2020-01-01T00:00:30+00:00', '2020-01-01T00:00:45+00:00',
  ]);
});

t.test('next is strictly after the start, truncated to the whole second', async (t) => {
  const schedule = parseSchedule('cron', '0 * * * *', 'UTC');
  t.same(schedule.next(new Date('2020-01-01T10:00:00.000Z')), new Date('2020-01-01T11:00:00Z'));
  t.same(schedule.next(new Date('2020-01-01T09:59:59.999Z')), new Date('2020-01-01T10:00:00Z'));
  t.same(schedule.prev(new Date('2020-01-01T10:00:00.999Z')), new Date('2020-01-01T09:00:00Z'));
  t.same(schedule.prev(new Date('2020-01-01T10:00:01.000Z')), new Date('2020-01-01T10:00:00Z'));
});
