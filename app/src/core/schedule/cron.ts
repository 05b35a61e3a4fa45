// Cron expressions exactly as cronsim (Healthchecks' engine) reads them: five fields, or six with
// seconds first; numbers, ranges, steps, lists, JAN-DEC and SUN-SAT, L and LW in day-of-month,
// weekday L and #n; day-of-month and day-of-week AND-ed when either starts with "*", OR-ed
// otherwise (Debian cron). Errors name the field ("Bad day-of-month"), as cronsim's do.
import { ScheduleError } from './errors.ts';
import { anyDayMatches, fieldTable, type CalendarSpec } from './matcher.ts';
import { splitWhitespace, toUnsigned } from './text.ts';

const FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const SECOND = 0;
const MINUTE = 1;
const HOUR = 2;
const DAY = 3;
const MONTH = 4;
const DOW = 5;
const RANGES: ReadonlyArray<readonly [number, number]> = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The longest month each month can have (February 29 counts). */
const LONGEST_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Day-of-month L / LW and day-of-week "5L" / "1#2" items, beside plain numbers.
const LAST = 'L';
const LAST_WEEKDAY = 'LW';
type Item = number | string;

/** A cron expression parsed and compiled for the matcher. */
export interface CronExpression {
  spec: CalendarSpec;
  /** The six fields, upper-cased, seconds first ("0" inserted for five-field expressions). */
  fields: string[];
  /** Five fields whose minute and hour do not start with "*": Debian's DST fix-ups apply. */
  fixedTime: boolean;
  /** No date can ever match (for example the first of the month that is also its fourth Monday): next() is null at once. */
  neverFires: boolean;
}

const bad = (field: number) => new ScheduleError(`Bad ${FIELD_NAMES[field]}`);

function int(field: number, text: string): number {
  if (field === MONTH && MONTH_NAMES.includes(text)) return MONTH_NAMES.indexOf(text) + 1;
  if (field === DOW && DAY_NAMES.includes(text)) return DAY_NAMES.indexOf(text);
  const value = toUnsigned(text);
  const [min, max] = RANGES[field]!;
  if (value === null || value < min || value > max) throw bad(field);
  return value;
}

function step(field: number, text: string): number {
  const value = toUnsigned(text);
  if (value === null || value === 0) throw bad(field);
  return value;
}

function range(start: number, end: number, by = 1): number[] {
  const values: number[] = [];
  for (let v = start; v <= end; v += by) values.push(v);
  return values;
}

function parseField(field: number, text: string): Set<Item> {
  const [min, max] = RANGES[field]!;
  if (text === '*') return new Set(range(min, max));
  if (text.includes(',')) {
    const result = new Set<Item>();
    for (const term of text.split(',')) for (const item of parseField(field, term)) result.add(item);
    return result;
  }
  if (field === DOW && text.includes('L')) {
    // "5L": the last Friday of the month. Only digits may precede the L.
    const value = text.slice(0, -1);
    if (!/^[0-9]+$/.test(value)) throw bad(field);
    return new Set([`${int(field, value)}L`]);
  }
  if (field === DOW && text.includes('#')) {
    const at = text.indexOf('#');
    const nth = toUnsigned(text.slice(at + 1));
    if (nth === null || nth < 1 || nth > 5) throw bad(field);
    return new Set([`${int(field, text.slice(0, at))}#${nth}`]);
  }
  if (text.includes('/')) return parseStep(field, text);
  if (text.includes('-')) {
    const at = text.indexOf('-');
    const start = int(field, text.slice(0, at));
    const end = int(field, text.slice(at + 1));
    if (end < start) throw bad(field);
    return new Set(range(start, end));
  }
  if (field === DAY && (text === LAST || text === LAST_WEEKDAY)) return new Set([text]);
  return new Set([int(field, text)]);
}

function parseStep(field: number, text: string): Set<Item> {
  const at = text.indexOf('/');
  const by = step(field, text.slice(at + 1));
  const items = parseField(field, text.slice(0, at));
  if (items.size === 1 && (items.has(LAST) || items.has(LAST_WEEKDAY))) return items;
  const numbers = [...items].filter((item): item is number => typeof item === 'number').sort((a, b) => a - b);
  // A single start value ("5/15", and, as cronsim reads it, "5-5/15") runs to the field's end.
  if (numbers.length === 1) return new Set(range(numbers[0]!, RANGES[field]![1], by));
  return new Set(numbers.filter((_, index) => index % by === 0));
}

function allowed(items: Set<Item>, size: number): boolean[] {
  const flags = new Array<boolean>(size).fill(false);
  for (const item of items) if (typeof item === 'number') flags[item] = true;
  return flags;
}

/** Day of month of the last Monday-to-Friday day in a month of `length` days starting on `first`. */
function lastWeekday(length: number, first: number): number {
  const lastDow = (first + length - 1) % 7;
  if (lastDow === 0) return length - 2;
  if (lastDow === 6) return length - 1;
  return length;
}

function dayMasks(days: Set<Item>, weekdays: Set<Item>, dayAnd: boolean): Int32Array {
  // Per weekday (0 = Sunday; 7 folds into 0): every week, the last one of the month, the nth ones.
  const plain = new Array<boolean>(7).fill(false);
  const last = new Array<boolean>(7).fill(false);
  const nth = new Array<number>(7).fill(0);
  for (const item of weekdays) {
    if (typeof item === 'number') plain[item % 7] = true;
    else if (item.endsWith('L')) last[Number(item.slice(0, -1)) % 7] = true;
    else nth[Number(item.slice(0, item.indexOf('#'))) % 7]! |= 1 << Number(item.slice(item.indexOf('#') + 1));
  }
  const masks = new Int32Array(28);
  for (let length = 28; length <= 31; length++) {
    for (let first = 0; first < 7; first++) {
      const lastWorkday = lastWeekday(length, first);
      let mask = 0;
      for (let d = 1; d <= length; d++) {
        const wd = (first + d - 1) % 7;
        const dom = days.has(d) || (d === length && days.has(LAST)) || (d === lastWorkday && days.has(LAST_WEEKDAY));
        const dow = plain[wd]! || (last[wd]! && d + 7 > length) || (nth[wd]! & (1 << Math.floor((d + 6) / 7))) !== 0;
        if (dayAnd ? dom && dow : dom || dow) mask |= 1 << (d - 1);
      }
      masks[(length - 28) * 7 + first] = mask;
    }
  }
  return masks;
}

/** Parses a five- or six-field cron expression; throws ScheduleError naming the first bad field. */
export function parseCron(expression: string): CronExpression {
  const parts = splitWhitespace(expression.toUpperCase());
  const sixFields = parts.length === 6;
  if (parts.length === 5) parts.unshift('0');
  if (parts.length !== 6) throw new ScheduleError('Wrong number of fields');
  const sets = parts.map((text, field) => parseField(field, text));
  const [seconds, minutes, hours, days, months, weekdays] = sets as [Set<Item>, Set<Item>, Set<Item>, Set<Item>, Set<Item>, Set<Item>];
  checkDayFitsMonth(days, months);
  const dayAnd = parts[DAY]!.startsWith('*') || parts[DOW]!.startsWith('*');
  const spec: CalendarSpec = {
    seconds: fieldTable(allowed(seconds, 60), 59),
    minutes: fieldTable(allowed(minutes, 60), 59),
    hours: fieldTable(allowed(hours, 24), 23),
    months: fieldTable(allowed(months, 13), 12),
    dayMasks: dayMasks(days, weekdays, dayAnd),
    years: null,
    yearBase: 0,
  };
  return {
    spec,
    fields: parts,
    fixedTime: !sixFields && !parts[MINUTE]!.startsWith('*') && !parts[HOUR]!.startsWith('*'),
    neverFires: !anyDayMatches(spec),
  };
}

/** cronsim's check: plain day-of-month values above 29 must fit some selected month ("30 2"). */
function checkDayFitsMonth(days: Set<Item>, months: Set<Item>): void {
  if (days.has(LAST) || days.has(LAST_WEEKDAY)) return;
  const smallest = Math.min(...[...days].filter((item): item is number => typeof item === 'number'));
  if (smallest <= 29) return;
  const longest = Math.max(...[...months].map((month) => LONGEST_MONTH[Number(month)] ?? 0));
  if (smallest > longest) throw bad(DAY);
}

export { SECOND, MINUTE, HOUR, DAY, MONTH, DOW };
