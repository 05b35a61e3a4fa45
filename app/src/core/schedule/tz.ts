// UTC offsets and transitions of a time zone, derived from Node's Intl (the only tz database at
// run time) and cached per zone and UTC year, so an iterator asks Intl a few hundred times per
// zone-year once and then answers from sorted arrays.
//
// Instants and offsets are whole seconds (instant = Unix seconds; wall = instant + offset).
// A year's transitions are found by sampling every SAMPLE_STEP seconds and bisecting between
// samples that differ. The shortest period between two transitions anywhere in tzdata is about
// four days (Africa/Freetown 1939; Gaza's projected Ramadan breaks are about a week), so a
// two-day step cannot miss an offset that comes and goes.
import { DAY, daysFromCivil, yearOfNaive } from './calendar.ts';

const SAMPLE_STEP = 2 * DAY;
/** No zone has ever been more than 16 hours from UTC (local mean time included). */
export const MAX_OFFSET = 16 * 3600;
/** Instants the engine handles: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
export const MIN_INSTANT = -62135596800;
export const MAX_INSTANT = 253402300799;
/** Cached zone-years in all zones before the cache is emptied (a bound on memory, not on correctness). */
const MAX_CACHED_YEARS = 20000;

interface YearTable {
  /** Transition instants within the year, ascending (one exactly at the year start included). */
  transitions: number[];
  /** offsets[i] is in effect from transitions[i - 1] (or before the year) up to transitions[i]. */
  offsets: number[];
}

const zones = new Map<string, Zone>();
let cachedYears = 0;

/** Offsets of one IANA zone, computed lazily. */
export class Zone {
  readonly name: string;
  private readonly format: ((date: number) => string) | null;
  private readonly fixedOffset: number | null;
  private readonly years = new Map<number, YearTable>();
  private lastTable: YearTable | null = null;
  private lastStart = 0;
  private lastEnd = 0;

  constructor(name: string) {
    this.name = name;
    const formatter = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
    // Etc/ zones and UTC have a single offset for all time: no tables needed.
    const fixed = name === 'UTC' || name.startsWith('Etc/');
    this.fixedOffset = fixed ? parseOffset(formatter.format(0)) : null;
    this.format = fixed ? null : (ms: number) => formatter.format(ms);
  }

  /** True for zones with one offset for all time (UTC, Etc/GMT+5, ...). */
  get isFixed(): boolean {
    return this.fixedOffset !== null;
  }

  /** The UTC offset in seconds at `instant`. */
  offsetAt(instant: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    let table = this.lastTable;
    if (table === null || instant < this.lastStart || instant >= this.lastEnd) {
      const year = utcYear(instant);
      table = this.yearTable(year);
      this.lastTable = table;
      this.lastStart = utcSeconds(year);
      this.lastEnd = utcSeconds(year + 1);
    }
    const { transitions, offsets } = table;
    // Most years have at most two transitions: a linear scan beats a binary search.
    let index = 0;
    while (index < transitions.length && transitions[index]! <= instant) index++;
    return offsets[index]!;
  }

  /** The first transition in (`after`, `limit`], or NaN when there is none. */
  nextTransition(after: number, limit: number): number {
    if (this.fixedOffset !== null) return NaN;
    for (let year = utcYear(after), last = utcYear(limit); year <= last; year++) {
      const transitions = this.yearTable(year).transitions;
      const index = upperBound(transitions, after);
      if (index < transitions.length) return transitions[index]! <= limit ? transitions[index]! : NaN;
    }
    return NaN;
  }

  /** The last transition in (`limit`, `atOrBefore`], or NaN when there is none. */
  prevTransition(atOrBefore: number, limit: number): number {
    if (this.fixedOffset !== null) return NaN;
    for (let year = utcYear(atOrBefore), first = utcYear(limit); year >= first; year--) {
      const transitions = this.yearTable(year).transitions;
      const index = upperBound(transitions, atOrBefore) - 1;
      if (index >= 0) return transitions[index]! > limit ? transitions[index]! : NaN;
    }
    return NaN;
  }

  /** True when no transition falls within `margin` seconds of `instant` on either side. */
  isQuiet(instant: number, margin: number): boolean {
    return this.fixedOffset !== null || Number.isNaN(this.nextTransition(instant - margin, instant + margin));
  }

  /** Drops the cached tables (the cache bound was reached). */
  forget(): void {
    this.years.clear();
    this.lastTable = null;
  }

  private yearTable(year: number): YearTable {
    let table = this.years.get(year);
    if (table === undefined) {
      if (cachedYears >= MAX_CACHED_YEARS) clearCaches();
      table = this.buildYear(year);
      this.years.set(year, table);
      cachedYears++;
    }
    return table;
  }

  private buildYear(year: number): YearTable {
    const start = utcSeconds(year);
    const end = utcSeconds(year + 1) - 1;
    const transitions: number[] = [];
    const offsets: number[] = [this.rawOffset(start - 1)];
    // Invariant: the offset at `low` is the last one recorded.
    for (let low = start - 1; low < end; low = Math.min(low + SAMPLE_STEP, end)) {
      const high = Math.min(low + SAMPLE_STEP, end);
      const current = offsets[offsets.length - 1]!;
      if (this.rawOffset(high) !== current) this.bisect(low, high, current, transitions, offsets);
    }
    return { transitions, offsets };
  }

  /** Records every transition between `low` (offset `lowOffset`) and `high`, whose offsets differ. */
  private bisect(low: number, high: number, lowOffset: number, transitions: number[], offsets: number[]): void {
    const highOffset = this.rawOffset(high);
    let a = low;
    let b = high;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (this.rawOffset(mid) === lowOffset) a = mid;
      else b = mid;
    }
    const after = this.rawOffset(b);
    transitions.push(b);
    offsets.push(after);
    if (after !== highOffset && b < high) this.bisect(b, high, after, transitions, offsets);
  }

  private rawOffset(instant: number): number {
    return parseOffset(this.format!(instant * 1000));
  }
}

/** Unix seconds of January 1, 00:00:00 UTC of `year`. */
function utcSeconds(year: number): number {
  return daysFromCivil(year, 1, 1) * DAY;
}

/** The UTC year of an instant. */
export function utcYear(instant: number): number {
  return yearOfNaive(instant);
}

/** Parses the "GMT+01:36:34" tail of a longOffset format into seconds ("GMT" alone is zero). */
export function parseOffset(text: string): number {
  const at = text.lastIndexOf('GMT');
  if (at < 0 || at + 3 >= text.length) return 0;
  const sign = text[at + 3] === '-' || text[at + 3] === '\u2212' ? -1 : 1;
  const [hours = '0', minutes = '0', seconds = '0'] = text.slice(at + 4).split(':');
  return sign * (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds));
}

function upperBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Empties every cached zone-year (for cold-start timings; the caches refill on demand). */
export function clearZoneCaches(): void {
  clearCaches();
}

function clearCaches(): void {
  for (const known of zones.values()) known.forget();
  cachedYears = 0;
}

/** The Zone for an IANA name Intl accepts; throws RangeError otherwise. */
export function zone(name: string): Zone {
  let result = zones.get(name);
  if (result === undefined) {
    result = new Zone(name);
    zones.set(name, result);
  }
  return result;
}
