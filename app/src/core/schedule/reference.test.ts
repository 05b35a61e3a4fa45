// A brute-force reference for the DST rules, independent of tz.ts and iterate.ts: it walks real
// time minute by minute, reads each minute's wall clock from Intl directly, and applies the
// rules in their plainest form. Only the field tables come from the parser (tested on their own).
import t from 'tap';
import { parseCron } from './cron.ts';
import { fireTimes, parseSchedule } from './index.ts';

const WINDOW_MINUTES = 4 * 24 * 60;

interface Wall {
  key: number;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock of every minute from `from` on, read from Intl. */
function walls(tz: string, from: number): Array<{ instant: number; wall: Wall }> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  });
  const result = [];
  for (let i = 0; i < WINDOW_MINUTES; i++) {
    const instant = from + i * 60;
    const parts = Object.fromEntries(format.formatToParts(instant * 1000).map((p) => [p.type, Number(p.value)]));
    const wall = { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, key: 0 };
    wall.key = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) / 60000;
    result.push({ instant, wall });
  }
  return result;
}

function matcher(expr: string): (wall: Wall) => boolean {
  const { spec } = parseCron(expr);
  return (w) => {
    const length = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
    const first = new Date(Date.UTC(w.year, w.month - 1, 1)).getUTCDay();
    return (
      spec.months.next[w.month] === w.month &&
      ((spec.dayMasks[(length - 28) * 7 + first]! >> (w.day - 1)) & 1) === 1 &&
      spec.hours.next[w.hour] === w.hour &&
      spec.minutes.next[w.minute] === w.minute
    );
  };
}

/** Fire instants in the window: every matching minute (real time), or each matching wall time once (shift). */
function fires(expr: string, minutes: ReturnType<typeof walls>): number[] {
  const matches = matcher(expr);
  const { fixedTime } = parseCron(expr);
  if (!fixedTime) return minutes.filter((m) => matches(m.wall)).map((m) => m.instant);
  const result = new Set<number>();
  const seen = new Set<number>();
  for (let i = 0; i < minutes.length; i++) {
    const { instant, wall } = minutes[i]!;
    // Wall minutes skipped between the previous minute and this one fire now, right after the jump.
    const previous = minutes[i - 1]?.wall.key ?? wall.key - 1;
    for (let skipped = previous + 1; skipped < wall.key; skipped++) {
      const date = new Date(skipped * 60000);
      const w = { key: skipped, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(),
        hour: date.getUTCHours(), minute: date.getUTCMinutes() };
      if (matches(w)) result.add(instant);
    }
    if (!seen.has(wall.key) && matches(wall)) result.add(instant);
    seen.add(wall.key);
  }
  return [...result].sort((a, b) => a - b);
}

const TRANSITIONS: Array<[string, string]> = [
  ['Pacific/Chatham', '2022-04-02T14:00:00Z'], ['Pacific/Chatham', '2022-09-24T14:00:00Z'],
  ['Australia/Lord_Howe', '2022-04-02T15:00:00Z'], ['Australia/Lord_Howe', '2022-10-01T15:30:00Z'],
  ['America/St_Johns', '2010-03-14T03:31:00Z'], ['America/St_Johns', '2010-11-07T02:31:00Z'],
  ['America/Sao_Paulo', '2018-11-04T03:00:00Z'], ['America/Sao_Paulo', '2019-02-17T02:00:00Z'],
  ['Europe/Dublin', '2021-03-28T01:00:00Z'], ['America/New_York', '2023-11-05T06:00:00Z'],
  ['Australia/Adelaide', '2022-10-01T16:30:00Z'], ['America/Havana', '2026-03-08T05:00:00Z'],
];
const EXPRESSIONS = [
  '*/15 * * * *', '45 * * * *', '0 */2 * * *', '30 2 * * *', '45 2 * * *', '0,30 0-4 * * *', '* 2 * * *', '50 1,2,3 * * *',
  '0 0 * * *', '15 0 * * *', '59 23 * * *', '0-5 3 * * *', '*/20 0-3 * * *', '45 * * * 0', '1 1 * * *',
];

t.test('next and prev agree with a minute-by-minute walk through real time', async (t) => {
  for (const [tz, at] of TRANSITIONS) {
    const transition = Date.parse(at) / 1000;
    const from = transition - 2 * 86400;
    const minutes = walls(tz, from);
    for (const expr of EXPRESSIONS) {
      const all = fires(expr, minutes);
      const schedule = parseSchedule('cron', expr, tz);
      for (const offset of [-3 * 3600, -1800, 0, 1800, 3 * 3600 + 600]) {
        const start = transition + offset;
        const want = all.filter((x) => x > start).slice(0, 4);
        const got = fireTimes(schedule, new Date(start * 1000), want.length).map((d) => d.getTime() / 1000);
        t.same(got, want, `${expr} in ${tz} after ${new Date(start * 1000).toISOString()}`);
        const before = all.filter((x) => x < start).slice(-4).reverse();
        const back = fireTimes(schedule, new Date(start * 1000), before.length, true).map((d) => d.getTime() / 1000);
        t.same(back, before, `${expr} in ${tz} before ${new Date(start * 1000).toISOString()}`);
      }
    }
  }
});
