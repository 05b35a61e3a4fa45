// Random and mutated schedules for fuzzing the schedule engine (npm run fuzz:schedules and a
// smaller run in npm test). Deterministic for a seed. Each case goes through parse, next and
// prev; the only error allowed out is ScheduleError, and answers must stay on the right side of
// the start.
import { ScheduleError, parseSchedule, type ScheduleKind } from '../core/schedule/index.ts';
import { LEGACY_ZONES, ZONE_NAMES } from '../core/schedule/timezones.ts';

/** mulberry32: a small seeded generator, good enough to spread cases. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const CRON_SEEDS = [
  '* * * * *', '0 0 * * *', '*/15 * * * *', '5-50/5 * * * *', '0/2 * * * *', '30 1 * * *', '0 0 31 2 *', '0 0 L * *',
  '0 0 LW * *', '0 0 * * 5L', '0 0 * * MON#2', '0 9-17 * * MON-FRI', '0 0 1 JAN,JUL *', '0 0 29 2 *', '1 1 */100 * MON#4',
  '*/10 * * * * *', '0 30 2 * * *', '0-1000000000 * * * *', '0 0 1-7 * */7', '45 2 * * 0', '0 */3 * * *', '59 23 L 12 *',
];
const CALENDAR_SEEDS = [
  'daily', 'weekly', 'Mon..Fri 09:00', '*-*-* 02:30', '*-*~1 00:00', 'Sun *~7/1', '2024-02-29 12:00', '*:0/15',
  '12:34 Europe/Riga', '00:00\n12:00', 'Mon,Tue *-*-1..7 03:00:30', '2199-12-31', '*-02-29 00:00', 'quarterly',
];
const ALPHABET = '0123456789*/-,#LW~.: \t\nMONTUEJANDECmonsun?\u00a0\u2003ſ\u0661' + '0123456789'.repeat(3);
/** Zones worth hammering (odd offsets, transitions at midnight or :45), beside all the others. */
const HARD_ZONES = [
  'Pacific/Chatham', 'Australia/Lord_Howe', 'America/St_Johns', 'America/Sao_Paulo', 'America/Havana', 'Asia/Tehran',
  'America/Asuncion', 'Pacific/Apia', 'Asia/Gaza', 'Africa/Casablanca', 'Europe/Dublin', 'Europe/Riga', 'UTC',
  'America/New_York', 'Australia/Sydney', 'Australia/Adelaide', 'Asia/Kolkata', 'Pacific/Kiritimati', 'America/Godthab',
];
const ALL_ZONES = [...ZONE_NAMES, ...LEGACY_ZONES.keys(), 'Mars/Olympus', '', 'utc', 'Europe/'];

export interface FuzzCase {
  kind: ScheduleKind;
  expression: string;
  tz: string;
  start: Date;
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function mutate(next: () => number, text: string): string {
  let result = text;
  for (let i = 0, n = 1 + Math.floor(next() * next() * 2); i < n; i++) {
    const at = Math.floor(next() * (result.length + 1));
    const roll = next();
    if (roll < 0.35) result = result.slice(0, at) + pick(next, [...ALPHABET]) + result.slice(at);
    else if (roll < 0.6) result = result.slice(0, at) + result.slice(at + 1);
    else if (roll < 0.75) result = result.slice(0, at) + String(Math.floor(next() * 10 ** (1 + next() * 12))) + result.slice(at);
    else if (roll < 0.85) result = `${result} ${result.split(' ')[0] ?? ''}`;
    else result = result.split(' ').reverse().join(' ');
  }
  return result;
}

const FIELD_MAX = [59, 59, 23, 31, 12, 7];

function randomCron(next: () => number): string {
  const six = next() < 0.15;
  const field = (index: number) => {
    const max = FIELD_MAX[index]! + (next() < 0.05 ? 3 : 0);
    const v = () => String(Math.floor(next() * (max + 1)));
    const parts = [];
    for (let i = 0, n = 1 + Math.floor(next() * next() * 3); i < n; i++) {
      const roll = next();
      if (roll < 0.3) parts.push('*');
      else if (roll < 0.55) parts.push(v());
      else if (roll < 0.7) parts.push(`${v()}-${v()}`);
      else if (roll < 0.85) parts.push(`${pick(next, ['*', v()])}/${1 + Math.floor(next() * (max + 2))}`);
      else if (index === 3) parts.push(pick(next, ['L', 'LW', 'L/2', '15']));
      else if (index === 5) parts.push(pick(next, ['5L', '1#3', 'MON', 'SUN#5', '7L', 'FRI#4', 'MON-FRI']));
      else if (index === 4) parts.push(pick(next, ['JAN-MAR', 'FEB', 'DEC', '2']));
      else parts.push(v());
    }
    return parts.join(',');
  };
  return Array.from({ length: 6 }, (_, index) => field(index)).slice(six ? 0 : 1).join(' ');
}

function randomStart(next: () => number): Date {
  const roll = next();
  if (roll < 0.01) return new Date(NaN);
  const [from, to] = roll < 0.9 ? [1970, 2100] : [1, 9999];
  const year = from + next() * (to - from);
  return new Date(Math.floor(((year - 1970) * 365.2425 * 86400 + next() * 86400) * 1000));
}

/** The `index`-th case of the run seeded with `seed`. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const next = random(seed * 1000003 + index);
  const kind: ScheduleKind = next() < 0.7 ? 'cron' : 'oncalendar';
  const roll = next();
  let expression: string;
  if (kind === 'cron') expression = roll < 0.5 ? randomCron(next) : mutate(next, pick(next, CRON_SEEDS));
  else expression = roll < 0.35 ? pick(next, CALENDAR_SEEDS) : mutate(next, pick(next, CALENDAR_SEEDS));
  const tz = next() < 0.8 ? pick(next, HARD_ZONES) : pick(next, ALL_ZONES);
  return { kind, expression, tz, start: randomStart(next) };
}

/** Fire times closer than this are within every search horizon of each other. */
const NEAR_ENOUGH = 40 * 365 * 86400 * 1000;

export interface FuzzOutcome {
  /** "parsed" or "rejected" (ScheduleError) when all went well. */
  result: 'parsed' | 'rejected';
  /** A broken rule ("next is not after the start"), or null. */
  problem: string | null;
}

/** Runs one case through parse, next and prev; anything but ScheduleError propagates. */
export function runFuzzCase(c: FuzzCase): FuzzOutcome {
  try {
    const schedule = parseSchedule(c.kind, c.expression, c.tz);
    const next = schedule.next(c.start);
    const prev = schedule.prev(c.start);
    const start = Math.floor(c.start.getTime() / 1000) * 1000;
    if (next !== null && !(next.getTime() > start)) return { result: 'parsed', problem: 'next is not after the start' };
    if (prev !== null && !(prev.getTime() < start)) return { result: 'parsed', problem: 'prev is not before the start' };
    // prev(next(x)) is x itself or prev(x); next(prev(x)) is x itself or next(x).
    if (next !== null && prev !== null && next.getTime() - prev.getTime() < NEAR_ENOUGH) {
      const back = schedule.prev(next)?.getTime();
      if (back !== start && back !== prev.getTime()) return { result: 'parsed', problem: 'prev(next) skips a fire' };
      const forth = schedule.next(prev)?.getTime();
      if (forth !== start && forth !== next.getTime()) return { result: 'parsed', problem: 'next(prev) skips a fire' };
    }
    return { result: 'parsed', problem: null };
  } catch (error) {
    if (error instanceof ScheduleError) return { result: 'rejected', problem: null };
    throw error;
  }
}
