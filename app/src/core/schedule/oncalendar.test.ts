import t from 'tap';
import { readFileSync } from 'node:fs';
import { ScheduleError, fireTimes, formatInZone, parseSchedule } from './index.ts';

interface CalendarCase {
  expr: string;
  tz: string;
  start: string;
  count: number;
  times?: string[];
  error?: string;
}

// A hundred OnCalendar forms (specials, weekdays, dates, times, steps, "~" days, two-digit
// years, zones on the line, several lines, and malformed ones) in UTC, Riga around both of its
// 2021 transitions and New York at its 2023 fall-back, with oncalendar's answers.
const cases: CalendarCase[] = JSON.parse(readFileSync(new URL('fixtures/oncalendar.json', import.meta.url), 'utf8'));

t.test('OnCalendar expressions give the oncalendar library answers', async (t) => {
  t.ok(cases.length > 400, 'hundreds of cases');
  for (const c of cases) {
    const label = `${JSON.stringify(c.expr)} in ${c.tz}`;
    if (c.error !== undefined) {
      t.throws(() => parseSchedule('oncalendar', c.expr, c.tz), new ScheduleError(c.error), label);
      continue;
    }
    const schedule = parseSchedule('oncalendar', c.expr, c.tz);
    t.same(fireTimes(schedule, new Date(c.start), c.count).map((d) => formatInZone(d, c.tz)), c.times, label);
  }
});

t.test('a wall time skipped by spring-forward does not fire; a repeated one fires once', async (t) => {
  const gap = parseSchedule('oncalendar', '*-*-* 03:30', 'Europe/Riga');
  t.same(formatInZone(gap.next(new Date('2021-03-27T12:00:00Z'))!, 'Europe/Riga'), '2021-03-29T03:30:00+03:00');
  const overlap = parseSchedule('oncalendar', '*-*-* 03:30', 'Europe/Riga');
  t.same(
    fireTimes(overlap, new Date('2021-10-30T12:00:00Z'), 2).map((d) => formatInZone(d, 'Europe/Riga')),
    ['2021-10-31T03:30:00+03:00', '2021-11-01T03:30:00+02:00'],
  );
  t.same(
    formatInZone(overlap.next(new Date('2021-10-31T01:10:00Z'))!, 'Europe/Riga'),
    '2021-11-01T03:30:00+02:00',
    'from inside the repeated hour it never goes back',
  );
});

t.test('several lines fire at the union of their times, each line in its own zone', async (t) => {
  const schedule = parseSchedule('oncalendar', '12:00\n12:00 Europe/Riga\n12:00', 'UTC');
  t.same(fireTimes(schedule, new Date('2024-01-01T00:00:00Z'), 3).map((d) => d.toISOString()), [
    '2024-01-01T10:00:00.000Z', '2024-01-01T12:00:00.000Z', '2024-01-02T10:00:00.000Z',
  ]);
  t.same(schedule.prev(new Date('2024-01-01T11:00:00Z'))!.toISOString(), '2024-01-01T10:00:00.000Z');
});

t.test('iteration stops before 2200, as systemd does', async (t) => {
  const schedule = parseSchedule('oncalendar', '2199-12-31 23:59:59', 'UTC');
  t.same(schedule.next(new Date('2100-01-01T00:00:00Z'))!.toISOString(), '2199-12-31T23:59:59.000Z');
  t.equal(schedule.next(new Date('2199-12-31T23:59:59Z')), null);
  t.equal(parseSchedule('oncalendar', '*-02-29', 'UTC').next(new Date('2196-03-01T00:00:00Z')), null);
  t.equal(parseSchedule('oncalendar', '2019-01-01', 'UTC').next(new Date('2020-01-01T00:00:00Z')), null);
});
