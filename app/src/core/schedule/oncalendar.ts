// systemd OnCalendar= expressions as Healthchecks evaluates them (the oncalendar library): one
// expression per line, "[weekdays] [[year-]month-day] [hour:minute[:second]] [time zone]",
// with lists, "a..b" ranges, "/step", "~" days counted from the month's end, the specials
// (daily, weekly, ...), years 1970-2199. A line without a zone runs in the check's zone.
import { ScheduleError } from './errors.ts';
import { fieldTable, type CalendarSpec } from './matcher.ts';
import { splitWhitespace, stripWhitespace, toUnsigned, isWhitespace } from './text.ts';

const DOW = 0;
const YEAR = 1;
const MONTH = 2;
const DAY = 3;
const HOUR = 4;
const MINUTE = 5;
const SECOND = 6;
const FIELD_NAMES = ['day-of-week', 'year', 'month', 'day-of-month', 'hour', 'minute', 'second'];
const FIRST_YEAR = 1970;
/** systemd stops at 2200, and so does oncalendar. */
const LAST_YEAR = 2199;
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 6], [FIRST_YEAR, LAST_YEAR], [1, 12], [1, 31], [0, 23], [0, 59], [0, 59],
];
const DAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const SHORT_DAY_NAMES = DAY_NAMES.map((name) => name.slice(0, 3));
const SPECIALS = new Map<string, string>(Object.entries({
  minutely: '*-*-* *:*:00',
  hourly: '*-*-* *:00:00',
  daily: '*-*-* 00:00:00',
  monthly: '*-*-01 00:00:00',
  weekly: 'Mon *-*-* 00:00:00',
  yearly: '*-01-01 00:00:00',
  annually: '*-01-01 00:00:00',
  quarterly: '*-01,04,07,10-01 00:00:00',
  semiannually: '*-01,07-01 00:00:00',
}));

/** One line of an OnCalendar schedule: what it matches and the zone named on it, if any. */
export interface OnCalendarLine {
  spec: CalendarSpec;
  /** The time zone written at the end of the line, or null for the check's zone. */
  tz: string | null;
}

const bad = (field: number) => new ScheduleError(`Bad ${FIELD_NAMES[field]}`);

function int(field: number, text: string): number {
  if (field === DOW) {
    const upper = text.toUpperCase();
    if (DAY_NAMES.includes(upper)) return DAY_NAMES.indexOf(upper);
    if (SHORT_DAY_NAMES.includes(upper)) return SHORT_DAY_NAMES.indexOf(upper);
    throw bad(field);
  }
  let value = toUnsigned(text);
  if (value === null) throw bad(field);
  // Two-digit years: 0-69 are 2000-2069, 70-99 are 1970-1999.
  if (field === YEAR && value < 70) value += 2000;
  if (field === YEAR && value < 100) value += 1900;
  const [min, max] = RANGES[field]!;
  if (value < min || value > max) throw bad(field);
  return value;
}

function range(start: number, end: number, by = 1): number[] {
  const values: number[] = [];
  for (let v = start; v <= end; v += by) values.push(v);
  return values;
}

function parseField(field: number, text: string, reverse = false): Set<number> {
  // "~3": the third day from the end of the month, stored as -3.
  if (field === DAY && text.startsWith('~')) return parseField(field, text.slice(1), true);
  if (field !== DOW && text === '*') return new Set(range(...RANGES[field]!));
  // systemd allows "*" only alone: not in lists, ranges or steps.
  if (text.includes('*')) throw bad(field);
  if (field === DOW && text.endsWith(',')) return parseField(field, text.slice(0, -1));
  if (field === DOW && text.includes('-')) return parseField(field, text.replaceAll('-', '..'));
  if (text.includes(',')) {
    const result = new Set<number>();
    for (const term of text.split(',')) for (const value of parseField(field, term, reverse)) result.add(value);
    return result;
  }
  if (text.includes('/') && field !== DOW) return parseStep(field, text, reverse);
  if (text.includes('..')) {
    const at = text.indexOf('..');
    const start = int(field, text.slice(0, at));
    const end = int(field, text.slice(at + 2));
    if (end < start) throw bad(field);
    return new Set(reverse ? range(-end, -start) : range(start, end));
  }
  const value = int(field, text);
  // systemd rejects "~29" and beyond: not every month has that many days.
  if (reverse && value > 28) throw bad(field);
  return new Set([reverse ? -value : value]);
}

function parseStep(field: number, text: string, reverse: boolean): Set<number> {
  const at = text.indexOf('/');
  const by = toUnsigned(text.slice(at + 1));
  if (by === null || by === 0) throw bad(field);
  const values = [...parseField(field, text.slice(0, at), reverse)].sort((a, b) => a - b);
  if (values.length === 1) return new Set(range(values[0]!, reverse ? 0 : RANGES[field]![1], by));
  return new Set(values.filter((_, index) => index % by === 0));
}

function flags(values: Set<number>, offset: number, size: number): boolean[] {
  const result = new Array<boolean>(size).fill(false);
  for (const value of values) if (value - offset >= 0 && value - offset < size) result[value - offset] = true;
  return result;
}

function dayMasks(days: Set<number>, weekdays: Set<number>): Int32Array {
  const masks = new Int32Array(28);
  for (let length = 28; length <= 31; length++) {
    for (let first = 0; first < 7; first++) {
      let mask = 0;
      for (let d = 1; d <= length; d++) {
        // Weekday with Monday = 0, as systemd and oncalendar count.
        const weekday = (first + d - 1 + 6) % 7;
        if ((days.has(d) || days.has(d - length - 1)) && weekdays.has(weekday)) mask |= 1 << (d - 1);
      }
      masks[(length - 28) * 7 + first] = mask;
    }
  }
  return masks;
}

/** Parses one expression without a zone (oncalendar's BaseIterator). */
export function parseCalendarEvent(expression: string): CalendarSpec {
  const special = SPECIALS.get(expression.toLowerCase());
  const parts = splitWhitespace((special ?? expression).replaceAll('~', '-~'));
  if (parts.length === 0) throw new ScheduleError('Wrong number of fields');
  let [hours, minutes, seconds] = [new Set([0]), new Set([0]), new Set([0])];
  if (parts[parts.length - 1]!.includes(':')) {
    const time = parts.pop()!.split(':');
    if (time.length !== 2 && time.length !== 3) throw new ScheduleError('Bad time');
    hours = parseField(HOUR, time[0]!);
    minutes = parseField(MINUTE, time[1]!);
    seconds = parseField(SECOND, time[2] ?? '0');
  }
  let [years, months, days] = [new Set(range(FIRST_YEAR, LAST_YEAR)), new Set(range(1, 12)), new Set(range(1, 31))];
  const last = parts[parts.length - 1];
  if (last !== undefined && last.includes('-') && '0123456789*'.includes(last[0]!)) {
    const date = parts.pop()!.split('-');
    if (date.length !== 2 && date.length !== 3) throw new ScheduleError('Bad date');
    if (date.length === 2) date.unshift('*');
    years = parseField(YEAR, date[0]!);
    months = parseField(MONTH, date[1]!);
    days = parseField(DAY, date[2]!);
  }
  const weekdays = parts.length > 0 ? parseField(DOW, parts.shift()!) : new Set(range(0, 6));
  if (parts.length > 0) throw new ScheduleError('Wrong number of fields');
  return {
    seconds: fieldTable(flags(seconds, 0, 60), 59),
    minutes: fieldTable(flags(minutes, 0, 60), 59),
    hours: fieldTable(flags(hours, 0, 24), 23),
    months: fieldTable(flags(months, 0, 13), 12),
    dayMasks: dayMasks(days, weekdays),
    years: fieldTable(flags(years, FIRST_YEAR, LAST_YEAR - FIRST_YEAR + 1), LAST_YEAR - FIRST_YEAR),
    yearBase: FIRST_YEAR,
  };
}

/**
 * Parses one or more newline-separated OnCalendar expressions. `isZone` says whether the last
 * word of a line names a time zone (and returns its canonical name), as oncalendar's TzIterator
 * checks: only a line containing a space can carry one, and no zone starts with a digit or "*".
 */
export function parseOnCalendar(expressions: string, isZone: (name: string) => string | null): OnCalendarLine[] {
  return stripWhitespace(expressions)
    .split('\n')
    .map((raw) => {
      const line = stripWhitespace(raw);
      if (line.includes(' ')) {
        let cut = line.length - 1;
        while (!isWhitespace(line, cut)) cut--;
        const name = line.slice(cut + 1);
        const tz = '0123456789*'.includes(name[0]!) ? null : isZone(name);
        if (tz !== null) return { spec: parseCalendarEvent(stripWhitespace(line.slice(0, cut))), tz };
      }
      return { spec: parseCalendarEvent(line), tz: null };
    });
}
