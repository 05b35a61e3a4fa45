// From wall-clock matches to instants, under one of three daylight saving rules:
//
// - "realtime": fires at every instant whose wall clock matches. A skipped hour never fires, a
//   repeated hour fires twice. Debian cron's rule for jobs whose minute or hour starts with "*"
//   (they keep their cadence in real time), and cronsim's for six-field expressions.
// - "shift": each matching wall time fires once, at its first occurrence; a wall time skipped by
//   a spring-forward fires right after the jump (stepped by whole minutes, as cronsim does).
//   Debian cron's rule for fixed-time jobs.
// - "skip": like "shift", but a skipped wall time does not fire at all (systemd OnCalendar, as
//   the oncalendar library evaluates it).
//
// In each rule the fire times form a fixed set of instants, and next(after) / prev(before) are
// the nearest members strictly after / before. A start inside a repeated hour therefore never
// yields a time before it (cronsim and oncalendar can go backwards there). Every loop below
// moves monotonically through a bounded range, so every call terminates.
import { MINUTE, yearOfNaive } from './calendar.ts';
import { nextMatch, prevMatch, type CalendarSpec } from './matcher.ts';
import { MAX_OFFSET, MAX_INSTANT, MIN_INSTANT, type Zone } from './tz.ts';

export type DstRule = 'realtime' | 'shift' | 'skip';

/** Searched windows: longer than 2 * MAX_OFFSET, so jumps past a window are safe. */
const WINDOW = 3 * 86400;
const NEAR = 2 * MAX_OFFSET + 2 * 3600;
/** A bound no real search approaches; it turns an engine bug into a wrong null, never a hang. */
const MAX_TURNS = 10000;

/** A matcher bound to a zone and a DST rule, with the year range a search may cover. */
export interface Timeline {
  spec: CalendarSpec;
  zone: Zone;
  rule: DstRule;
  /** Years searched beyond the start's local year (cron: 50), or Infinity (OnCalendar: its year field bounds it). */
  yearSpan: number;
}

/** The first fire instant strictly after `after` (whole seconds), or NaN. */
export function nextInstant(line: Timeline, after: number): number {
  if (after >= MAX_INSTANT) return NaN;
  const start = Math.max(after, MIN_INSTANT - 1);
  const maxYear = Math.min(9999, yearOfNaive(start + line.zone.offsetAt(start)) + line.yearSpan);
  const result = line.rule === 'realtime' ? nextRealtime(line, start, maxYear) : nextLocal(line, start, maxYear);
  return result > MAX_INSTANT ? NaN : result;
}

/** The last fire instant strictly before `before` (whole seconds), or NaN. */
export function prevInstant(line: Timeline, before: number): number {
  if (before <= MIN_INSTANT) return NaN;
  const start = Math.min(before, MAX_INSTANT + 1);
  const minYear = Math.max(1, yearOfNaive(start + line.zone.offsetAt(start)) - line.yearSpan);
  const result = line.rule === 'realtime' ? prevRealtime(line, start, minYear) : prevLocal(line, start, minYear);
  return result < MIN_INSTANT ? NaN : result;
}

function nextRealtime({ spec, zone }: Timeline, after: number, maxYear: number): number {
  let from = after + 1;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const offset = zone.offsetAt(from);
    const transition = zone.nextTransition(from, from + WINDOW);
    // The offset is `offset` on [from, end).
    const end = Number.isNaN(transition) ? from + WINDOW + 1 : transition;
    const wall = nextMatch(spec, from + offset, maxYear);
    if (Number.isNaN(wall)) return NaN;
    if (wall - offset < end) return wall - offset;
    // Past 2 * MAX_OFFSET from `from`, every wall clock reads later than from + offset, and
    // nothing matches before `wall`: no instant earlier than wall - MAX_OFFSET can fire.
    from = end >= from + 2 * MAX_OFFSET ? Math.max(end, wall - MAX_OFFSET) : end;
  }
  return NaN;
}

function prevRealtime({ spec, zone }: Timeline, before: number, minYear: number): number {
  let from = before - 1;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const offset = zone.offsetAt(from);
    const transition = zone.prevTransition(from, from - WINDOW);
    // The offset is `offset` on [start, from].
    const start = Number.isNaN(transition) ? from - WINDOW + 1 : transition;
    const wall = prevMatch(spec, from + offset, minYear);
    if (Number.isNaN(wall)) return NaN;
    if (wall - offset >= start) return wall - offset;
    from = start <= from - 2 * MAX_OFFSET ? Math.min(start - 1, wall + MAX_OFFSET) : start - 1;
  }
  return NaN;
}

/** Where the instants reading `wall` are: the first one, or the skipped stretch around it. */
interface Located {
  /** The first instant whose wall clock reads `wall`; NaN when `wall` was skipped. */
  instant: number;
  /** For a skipped `wall`: the first instant after the jump and the wall clock before / after it. */
  jump: number;
  wallBefore: number;
  wallAfter: number;
}

const located: Located = { instant: NaN, jump: NaN, wallBefore: NaN, wallAfter: NaN };

/** Finds the instants whose wall clock reads `wall` (they lie within MAX_OFFSET of it). */
export function locate(zone: Zone, wall: number): Located {
  let from = wall - MAX_OFFSET - 1;
  const limit = wall + MAX_OFFSET + 1;
  let offset = zone.offsetAt(from);
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const transition = zone.nextTransition(from, limit);
    const end = Number.isNaN(transition) ? limit + 1 : transition;
    if (wall - offset >= from && wall - offset < end) {
      located.instant = wall - offset;
      return located;
    }
    if (Number.isNaN(transition)) break;
    const after = zone.offsetAt(transition);
    if (wall >= transition + offset && wall < transition + after) {
      located.instant = NaN;
      located.jump = transition;
      located.wallBefore = transition + offset;
      located.wallAfter = transition + after;
      return located;
    }
    from = transition;
    offset = after;
  }
  // Unreachable for real zones (every wall time is read or skipped); fail towards "skipped".
  located.instant = NaN;
  located.jump = wall;
  located.wallBefore = wall;
  located.wallAfter = wall + 1;
  return located;
}

/** Monotonic map from wall time to instant: first occurrence, or the end of a jump. */
function settle(zone: Zone, wall: number): number {
  const where = locate(zone, wall);
  return Number.isNaN(where.instant) ? where.jump : where.instant;
}

/** The smallest wall time that settles after `after`. */
function firstWallAfter(zone: Zone, after: number): number {
  const wall = after + zone.offsetAt(after) + 1;
  if (zone.isQuiet(after, NEAR)) return wall;
  let low = wall;
  let high = wall + 2 * MAX_OFFSET + 2;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (settle(zone, mid) > after) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The largest wall time that settles before `before`. */
function lastWallBefore(zone: Zone, before: number): number {
  const wall = before - 1 + zone.offsetAt(before - 1);
  if (zone.isQuiet(before, NEAR)) return wall;
  let low = wall;
  let high = wall + 2 * MAX_OFFSET + 2;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (settle(zone, mid) < before) low = mid;
    else high = mid - 1;
  }
  return low;
}

function nextLocal({ spec, zone, rule }: Timeline, after: number, maxYear: number): number {
  let wall = nextMatch(spec, firstWallAfter(zone, after), maxYear);
  for (let turn = 0; turn < MAX_TURNS && !Number.isNaN(wall); turn++) {
    const where = locate(zone, wall);
    if (!Number.isNaN(where.instant)) return where.instant;
    // A skipped wall time: "shift" fires at the first whole-minute step past the jump.
    if (rule === 'shift') return where.jump + stepPast(wall, where.wallAfter) - where.wallAfter;
    wall = nextMatch(spec, where.wallAfter, maxYear);
  }
  return NaN;
}

function prevLocal({ spec, zone, rule }: Timeline, before: number, minYear: number): number {
  let wall = prevMatch(spec, lastWallBefore(zone, before), minYear);
  for (let turn = 0; turn < MAX_TURNS && !Number.isNaN(wall); turn++) {
    const where = locate(zone, wall);
    if (!Number.isNaN(where.instant)) return where.instant;
    const shifted = where.jump + stepPast(wall, where.wallAfter) - where.wallAfter;
    // The whole-minute step can pass `before` only after a jump off the whole minute (local mean time).
    if (rule === 'shift' && shifted < before) return shifted;
    wall = prevMatch(spec, where.wallBefore - 1, minYear);
  }
  return NaN;
}

/** The first of wall, wall + 1 min, wall + 2 min, ... at or after `target`. */
function stepPast(wall: number, target: number): number {
  return wall + Math.ceil((target - wall) / MINUTE) * MINUTE;
}
