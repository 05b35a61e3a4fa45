// The schedule engine's public face: the API, the status rules, the alert engine, the dashboard
// and the provisioning tool's crontabs all go through these functions and nothing else.
// Pure: no clock, no I/O. Time zone data comes from Node's Intl and is cached (see tz.ts).
import { formatLocal } from './calendar.ts';
import { parseCron } from './cron.ts';
import { ScheduleError } from './errors.ts';
import { clearExplainCache } from './explain.ts';
import { nextInstant, prevInstant, type Timeline } from './iterate.ts';
import { parseOnCalendar } from './oncalendar.ts';
import { splitWhitespace, stripWhitespace } from './text.ts';
import { LEGACY_ZONES, ZONE_NAMES } from './timezones.ts';
import { clearZoneCaches, zone, type Zone } from './tz.ts';

export { ScheduleError } from './errors.ts';
export { explainCron } from './explain.ts';

export type ScheduleKind = 'cron' | 'oncalendar';

/** A parsed expression bound to a time zone. */
export interface Schedule {
  /** The first fire time strictly after `after` (truncated to whole seconds); null when nothing fires within 50 years (cron) or before 2200 (OnCalendar). */
  next(after: Date): Date | null;
  /** The last fire time strictly before `before` (truncated to whole seconds); null when nothing fired within 50 years (cron) or since 1970 (OnCalendar). */
  prev(before: Date): Date | null;
}

/** cron looks no further than this many years from the start, as cronsim does. */
const CRON_YEARS = 50;
/** Parsed schedules kept for reuse (status computations parse the same few schedules over and over). */
const MEMO_SIZE = 5000;
/** Parsed schedules, and refusals (a bad schedule stored in many checks is refused as cheaply). */
const memo = new Map<string, Schedule | ScheduleError>();

class CompiledSchedule implements Schedule {
  constructor(private readonly lines: Timeline[]) {}

  next(after: Date): Date | null {
    const start = seconds(after);
    let best = NaN;
    for (const line of this.lines) {
      const candidate = nextInstant(line, start);
      if (Number.isNaN(candidate)) continue;
      if (Number.isNaN(best) || candidate < best) best = candidate;
    }
    return Number.isNaN(best) ? null : new Date(best * 1000);
  }

  prev(before: Date): Date | null {
    const start = seconds(before);
    let best = NaN;
    for (const line of this.lines) {
      const candidate = prevInstant(line, start);
      if (Number.isNaN(candidate)) continue;
      if (Number.isNaN(best) || candidate > best) best = candidate;
    }
    return Number.isNaN(best) ? null : new Date(best * 1000);
  }
}

function seconds(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new ScheduleError('Bad start time');
  return Math.floor(ms / 1000);
}

/** The Zone for a name: canonical, and known to this Node's Intl. */
function zoneFor(tz: string): Zone {
  const name = canonicalTimezone(tz);
  if (name === null) throw new ScheduleError('Bad time zone');
  try {
    return zone(name);
  } catch {
    // A zone newer than this Node's tz database.
    throw new ScheduleError('Bad time zone');
  }
}

function compile(kind: ScheduleKind, expression: string, tz: string): Schedule {
  const where = zoneFor(tz);
  if (kind === 'cron') {
    const cron = parseCron(expression);
    if (cron.neverFires) return new CompiledSchedule([]);
    // Fixed-offset zones have no transitions: real time and wall time agree, and real time is cheaper.
    const rule = cron.fixedTime && !where.isFixed ? 'shift' : 'realtime';
    return new CompiledSchedule([{ spec: cron.spec, zone: where, rule, yearSpan: CRON_YEARS }]);
  }
  const lines = parseOnCalendar(expression, canonicalTimezone);
  return new CompiledSchedule(
    lines.map((line) => ({ spec: line.spec, zone: line.tz === null ? where : zoneFor(line.tz), rule: 'skip', yearSpan: Infinity })),
  );
}

/**
 * Parses `expression` of `kind` in time zone `tz` (legacy names accepted); throws ScheduleError
 * naming the bad field. Parsed schedules are memoised, so calling this on every status
 * computation is cheap.
 */
export function parseSchedule(kind: ScheduleKind, expression: string, tz: string): Schedule {
  const key = `${kind}\u0000${tz}\u0000${expression}`;
  let entry = memo.get(key);
  if (entry === undefined) {
    try {
      entry = compile(kind, expression, tz);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      entry = error;
    }
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, entry);
  }
  if (entry instanceof ScheduleError) throw entry;
  return entry;
}

/**
 * Healthchecks' validation: the expression parses and fires at least once after
 * 2000-01-01T00:00:00Z (in UTC: a schedule valid in one zone is valid in all). Throws
 * ScheduleError; "Never fires" for an expression that parses but can never fire ("0 0 30 2 *"
 * is already a bad day-of-month; "the 1st if it is the 4th Monday" never fires).
 */
export function validateSchedule(kind: ScheduleKind, expression: string): void {
  if (parseSchedule(kind, expression, 'UTC').next(new Date(Date.UTC(2000, 0, 1))) === null) {
    throw new ScheduleError('Never fires');
  }
}

/** Healthchecks' rule: one line of exactly five fields is cron, anything else OnCalendar. */
export function guessKind(expression: string): ScheduleKind {
  const oneLine = !stripWhitespace(expression).includes('\n');
  return oneLine && splitWhitespace(expression).length === 5 ? 'cron' : 'oncalendar';
}

/** The canonical IANA name for `name` (legacy aliases such as Europe/Kiev mapped); null when unknown. */
export function canonicalTimezone(name: string): string | null {
  return LEGACY_ZONES.get(name) ?? (ZONE_NAMES.has(name) ? name : null);
}

/** ISO-8601 local time of `date` in `tz` with the zone's real offset ("2021-03-28T02:00:00+01:00"), whole seconds. */
export function formatInZone(date: Date, tz: string): string {
  const instant = seconds(date);
  const offset = zoneFor(tz).offsetAt(instant);
  return formatLocal(instant + offset, offset);
}

/** Up to `count` fire times from `start` (strictly after it, or before it when `reverse`), stopping at the first null. */
export function fireTimes(schedule: Schedule, start: Date, count: number, reverse = false): Date[] {
  const result: Date[] = [];
  let cursor: Date | null = start;
  while (result.length < count) {
    cursor = reverse ? schedule.prev(cursor) : schedule.next(cursor);
    if (cursor === null) break;
    result.push(cursor);
  }
  return result;
}

/** Forgets parsed schedules and cached zone offsets, so the next calls run cold (for timings). */
export function clearScheduleCaches(): void {
  memo.clear();
  clearExplainCache();
  clearZoneCaches();
}
