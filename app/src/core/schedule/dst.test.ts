import t from 'tap';
import { readFileSync } from 'node:fs';
import { fireTimes, formatInZone, parseSchedule } from './index.ts';

interface DstCase {
  name?: string;
  expr: string;
  tz: string;
  start: string;
  count: number;
  reverse?: boolean;
  times: string[];
  /** Why the expected times differ from cronsim's (whose answer is kept beside them). */
  note?: string;
}

const load = (name: string): DstCase[] => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const run = (c: DstCase) =>
  fireTimes(parseSchedule('cron', c.expr, c.tz), new Date(c.start), c.count, c.reverse).map((d) => formatInZone(d, c.tz));
const label = (c: DstCase) => `${c.expr} in ${c.tz} ${c.reverse ? 'before' : 'after'} ${c.start}`;

t.test("cronsim's own DST table (Europe/Riga, 2021) gives cronsim's answers", async (t) => {
  for (const c of load('cronsim-riga.json')) t.same(run(c), c.times, `${c.name}: ${label(c)}`);
});

// Twenty expressions (fixed times, wildcards, steps, six fields) around every transition of a
// year in Dublin, Riga, New York, Sydney, Sao Paulo (midnight transitions), Adelaide, Kolkata,
// Chatham (+12:45/+13:45, transitions at 02:45), Lord Howe (30-minute DST), London and St
// John's (transitions at 00:01), forwards and in reverse. Expected times are cronsim's, except
// in the rows with a note, where cronsim goes back before its start, misses or repeats a fire,
// or never returns; there the expected time is the Debian rule applied by hand and by the
// brute-force reference (reference.test.ts).
t.test('fire times around DST transitions follow Debian cron, forwards and backwards', async (t) => {
  const cases = load('cron-dst.json');
  t.ok(cases.length >= 800, 'hundreds of cases');
  for (const c of cases) t.same(run(c), c.times, label(c));
});

t.test('iterating back from the last fire time retraces the same fire times', async (t) => {
  for (const c of load('cron-dst.json').filter((c) => !c.reverse && c.times.length > 1)) {
    const schedule = parseSchedule('cron', c.expr, c.tz);
    const last = schedule.next(new Date(c.start));
    const forward = fireTimes(schedule, new Date(c.start), c.count);
    const back = fireTimes(schedule, forward[forward.length - 1]!, forward.length - 1, true).reverse();
    t.same(back, forward.slice(0, -1), label(c));
    t.ok(last !== null && last > new Date(c.start), `${label(c)} is after its start`);
  }
});

t.test('the issue examples: a 01:30 job in Dublin runs at 02:00 on the spring-forward day', async (t) => {
  const c = { expr: '30 1 * * *', tz: 'Europe/Dublin', start: '2021-03-27T00:00:00+00:00', count: 3, times: [] };
  t.same(run(c), ['2021-03-27T01:30:00+00:00', '2021-03-28T02:00:00+01:00', '2021-03-29T01:30:00+01:00']);
  const fall = { expr: '30 1 * * *', tz: 'Europe/Dublin', start: '2021-10-30T12:00:00+00:00', count: 2, times: [] };
  t.same(run(fall), ['2021-10-31T01:30:00+01:00', '2021-11-01T01:30:00+00:00'], 'runs once in the repeated hour');
  const wild = { expr: '*/30 * * * *', tz: 'Europe/Dublin', start: '2021-10-31T00:10:00+00:00', count: 4, times: [] };
  t.same(run(wild), [
    '2021-10-31T01:30:00+01:00', '2021-10-31T01:00:00+00:00', '2021-10-31T01:30:00+00:00', '2021-10-31T02:00:00+00:00',
  ], 'a wildcard job keeps its cadence in real time through the repeated hour');
});

t.test('a start inside a repeated hour never yields a time before it', async (t) => {
  // 2021-10-31T01:10:00Z is 01:10 GMT in Dublin, the second 01:10 of the night.
  const schedule = parseSchedule('cron', '30 1 * * *', 'Europe/Dublin');
  t.same(formatInZone(schedule.next(new Date('2021-10-31T01:10:00Z'))!, 'Europe/Dublin'), '2021-11-01T01:30:00+00:00');
  t.same(formatInZone(schedule.prev(new Date('2021-10-31T01:10:00Z'))!, 'Europe/Dublin'), '2021-10-31T01:30:00+01:00');
});
