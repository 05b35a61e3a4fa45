import t from 'tap';
import { nextExpected, type CheckTiming } from '../status.ts';
import {
  ScheduleError,
  canonicalTimezone,
  formatInZone,
  guessKind,
  parseSchedule,
  validateSchedule,
} from './index.ts';

t.test('parsing the same schedule twice returns the memoised schedule', async (t) => {
  t.equal(parseSchedule('cron', '0 3 * * *', 'Europe/Riga'), parseSchedule('cron', '0 3 * * *', 'Europe/Riga'));
  t.not(parseSchedule('cron', '0 3 * * *', 'Europe/Riga'), parseSchedule('cron', '0 3 * * *', 'UTC'));
});

t.test('validation follows Healthchecks: it must parse and fire after 2000-01-01', async (t) => {
  validateSchedule('cron', '0 0 29 2 *');
  validateSchedule('oncalendar', '2010-06-01');
  validateSchedule('oncalendar', 'Mon..Fri 09:00\n12:00 Europe/Riga');
  t.throws(() => validateSchedule('cron', '0 0 31 2 *'), new ScheduleError('Bad day-of-month'));
  t.throws(() => validateSchedule('cron', '1 1 */100 * MON#4'), new ScheduleError('Never fires'));
  t.throws(() => validateSchedule('cron', '61 * * * *'), new ScheduleError('Bad minute'));
  t.throws(() => validateSchedule('cron', '* * * *'), new ScheduleError('Wrong number of fields'));
  t.throws(() => validateSchedule('oncalendar', '1999-01-01'), new ScheduleError('Never fires'));
  t.throws(() => validateSchedule('oncalendar', '*-02-30'), new ScheduleError('Never fires'));
  t.throws(() => validateSchedule('oncalendar', '25:00'), new ScheduleError('Bad hour'));
});

t.test('one line of five fields is cron, anything else OnCalendar', async (t) => {
  const table: Array<[string, string]> = [
    ['* * * * *', 'cron'], [' 0 3 * * MON ', 'cron'], ['0\t3 * * *', 'cron'], ['0 3 * * *\n', 'cron'],
    ['* * * * * *', 'oncalendar'], ['daily', 'oncalendar'], ['0 3 * *\n*', 'oncalendar'], ['Mon *-*-* 12:00 UTC', 'oncalendar'],
  ];
  for (const [expression, kind] of table) t.equal(guessKind(expression), kind, JSON.stringify(expression));
});

t.test('legacy zone names map to the current zone; unknown names are refused', async (t) => {
  const table: Array<[string, string | null]> = [
    ['Europe/Kiev', 'Europe/Kyiv'], ['US/Eastern', 'America/New_York'], ['Asia/Calcutta', 'Asia/Kolkata'],
    ['UCT', 'Etc/UTC'], ['CET', 'Europe/Brussels'], ['NZ-CHAT', 'Pacific/Chatham'], ['Australia/LHI', 'Australia/Lord_Howe'],
    ['Europe/Riga', 'Europe/Riga'], ['UTC', 'UTC'], ['Asia/Kolkata', 'Asia/Kolkata'], ['America/Coyhaique', 'America/Coyhaique'],
    ['utc', null], ['Mars/Olympus', null], ['', null], ['Europe/', null],
  ];
  for (const [name, want] of table) t.equal(canonicalTimezone(name), want, name);
  t.throws(() => parseSchedule('cron', '* * * * *', 'Mars/Olympus'), new ScheduleError('Bad time zone'));
  t.same(formatInZone(parseSchedule('cron', '0 12 * * *', 'US/Eastern').next(new Date('2024-07-01T00:00:00Z'))!, 'US/Eastern'),
    '2024-07-01T12:00:00-04:00');
});

t.test('times are written with the real offset of the zone, seconds included for local mean time', async (t) => {
  t.equal(formatInZone(new Date('2021-03-28T01:00:00Z'), 'Europe/Dublin'), '2021-03-28T02:00:00+01:00');
  t.equal(formatInZone(new Date('2022-04-02T14:00:00Z'), 'Pacific/Chatham'), '2022-04-03T02:45:00+12:45');
  t.equal(formatInZone(new Date('1850-01-01T00:00:00Z'), 'Europe/Riga'), '1850-01-01T01:36:34+01:36:34');
  t.equal(formatInZone(new Date('2024-01-01T00:00:00.999Z'), 'UTC'), '2024-01-01T00:00:00+00:00');
});

t.test('a start that is not a date is refused, not looped on', async (t) => {
  t.throws(() => parseSchedule('cron', '* * * * *', 'UTC').next(new Date(NaN)), new ScheduleError('Bad start time'));
});

t.test('the status rules get the next cron time after the last ping, in the check zone', async (t) => {
  const check: CheckTiming = {
    kind: 'cron', timeoutSeconds: 0, graceSeconds: 600, schedule: '30 1 * * *', tz: 'Europe/Dublin',
    status: 'up', lastPing: new Date('2021-03-27T01:30:05Z'), lastStart: null,
  };
  t.same(nextExpected(check), new Date('2021-03-28T01:00:00Z'), 'the 01:30 run skipped by the jump is expected at 02:00 IST');
  t.same(nextExpected({ ...check, kind: 'oncalendar', schedule: '*-*-* 01:30' }), new Date('2021-03-29T00:30:00Z'),
    'OnCalendar skips a wall time that does not exist');
});
