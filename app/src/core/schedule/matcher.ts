// The calendar matcher: given the allowed values of each field, finds the first wall-clock time
// at or after (or at or before) a naive second count. No time zones here: the iterators map
// naive wall times to instants. Every loop moves forward (or backward) at least one field value
// per turn and stops at a year bound, so a search is bounded by about 13 turns per year.
import { DAY, civilFromDays, daysFromCivil, daysInMonth, weekdayOfDays, type Civil } from './calendar.ts';

/** Allowed values of a field as lookup tables: next[v] = smallest allowed ≥ v, prev[v + 1] = largest ≤ v; -1 when none. */
export interface FieldTable {
  next: Int16Array;
  prev: Int16Array;
}

/** What a calendar expression allows, in the shape the matcher walks. */
export interface CalendarSpec {
  seconds: FieldTable;
  minutes: FieldTable;
  hours: FieldTable;
  months: FieldTable;
  /** Bit d-1 set when day d matches, indexed by (month length - 28) * 7 + weekday of the 1st (0 = Sunday). */
  dayMasks: Int32Array;
  /** Allowed years (OnCalendar), or null for every year (cron). */
  years: FieldTable | null;
  /** The smallest year `years` indexes. */
  yearBase: number;
}

/** Lookup tables for allowed values in 0..max (index max+1 is the "overflow" sentinel). */
export function fieldTable(allowed: ArrayLike<boolean>, max: number): FieldTable {
  const next = new Int16Array(max + 2).fill(-1);
  const prev = new Int16Array(max + 2).fill(-1);
  for (let v = max, last = -1; v >= 0; v--) {
    if (allowed[v]) last = v;
    next[v] = last;
  }
  for (let v = 0, last = -1; v <= max; v++) {
    if (allowed[v]) last = v;
    prev[v + 1] = last;
  }
  return { next, prev };
}

/** True when some (month length, first weekday) combination of an allowed month has a matching day. */
export function anyDayMatches(spec: CalendarSpec): boolean {
  for (let month = 1; month <= 12; month++) {
    if (spec.months.next[month] !== month) continue;
    const lengths = month === 2 ? [28, 29] : [daysInMonth(2001, month)];
    for (const length of lengths) {
      for (let first = 0; first < 7; first++) if (spec.dayMasks[(length - 28) * 7 + first] !== 0) return true;
    }
  }
  return false;
}

// HIGH_FROM[d]: days d..31 (bits d-1..30); LOW_TO[d]: days 1..d. Index 32 / 0 are the sentinels.
const HIGH_FROM = new Int32Array(33);
const LOW_TO = new Int32Array(33);
for (let d = 1; d <= 31; d++) {
  HIGH_FROM[d] = (0x7fffffff << (d - 1)) & 0x7fffffff;
  LOW_TO[d] = d === 31 ? 0x7fffffff : (1 << d) - 1;
}

const scratch: Civil = { year: 0, month: 0, day: 0 };

function yearNext(spec: CalendarSpec, year: number): number {
  if (spec.years === null) return year;
  const index = Math.max(0, year - spec.yearBase);
  if (index >= spec.years.next.length - 1) return -1;
  const value = spec.years.next[index]!;
  return value < 0 ? -1 : value + spec.yearBase;
}

function yearPrev(spec: CalendarSpec, year: number): number {
  if (spec.years === null) return year;
  const index = Math.min(year - spec.yearBase, spec.years.prev.length - 2);
  if (index < 0) return -1;
  const value = spec.years.prev[index + 1]!;
  return value < 0 ? -1 : value + spec.yearBase;
}

function dayMask(spec: CalendarSpec, year: number, month: number, length: number): number {
  const first = weekdayOfDays(daysFromCivil(year, month, 1));
  return spec.dayMasks[(length - 28) * 7 + first]!;
}

/** The first matching naive second ≥ `from`, or NaN when none falls in a year ≤ `maxYear`. */
export function nextMatch(spec: CalendarSpec, from: number, maxYear: number): number {
  const days = Math.floor(from / DAY);
  civilFromDays(days, scratch);
  let { year: y, month: m, day: d } = scratch;
  const sod = from - days * DAY;
  let h = Math.floor(sod / 3600);
  let mi = Math.floor(sod / 60) % 60;
  let s = sod % 60;
  for (;;) {
    if (y > maxYear) return NaN;
    const ny = yearNext(spec, y);
    if (ny < 0 || ny > maxYear) return NaN;
    if (ny !== y) {
      y = ny; m = 1; d = 1; h = 0; mi = 0; s = 0;
    }
    const nm = spec.months.next[m]!;
    if (nm < 0) {
      y = y + 1; m = 1; d = 1; h = 0; mi = 0; s = 0;
      continue;
    }
    if (nm !== m) {
      m = nm; d = 1; h = 0; mi = 0; s = 0;
    }
    const length = daysInMonth(y, m);
    const mask = dayMask(spec, y, m, length) & HIGH_FROM[Math.min(d, 32)]!;
    if (mask === 0) {
      m = m + 1; d = 1; h = 0; mi = 0; s = 0;
      continue;
    }
    const nd = 32 - Math.clz32(mask & -mask);
    if (nd !== d) {
      d = nd; h = 0; mi = 0; s = 0;
    }
    const nh = spec.hours.next[h]!;
    if (nh < 0) {
      d = d + 1; h = 0; mi = 0; s = 0;
      continue;
    }
    if (nh !== h) {
      h = nh; mi = 0; s = 0;
    }
    const nmi = spec.minutes.next[mi]!;
    if (nmi < 0) {
      h = h + 1; mi = 0; s = 0;
      continue;
    }
    if (nmi !== mi) {
      mi = nmi; s = 0;
    }
    const ns = spec.seconds.next[s]!;
    if (ns < 0) {
      mi = mi + 1; s = 0;
      continue;
    }
    return daysFromCivil(y, m, d) * DAY + h * 3600 + mi * 60 + ns;
  }
}

/** The last matching naive second ≤ `from`, or NaN when none falls in a year ≥ `minYear`. */
export function prevMatch(spec: CalendarSpec, from: number, minYear: number): number {
  const days = Math.floor(from / DAY);
  civilFromDays(days, scratch);
  let { year: y, month: m, day: d } = scratch;
  const sod = from - days * DAY;
  let h = Math.floor(sod / 3600);
  let mi = Math.floor(sod / 60) % 60;
  let s = sod % 60;
  for (;;) {
    if (y < minYear) return NaN;
    const py = yearPrev(spec, y);
    if (py < 0 || py < minYear) return NaN;
    if (py !== y) {
      y = py; m = 12; d = 31; h = 23; mi = 59; s = 59;
    }
    const pm = spec.months.prev[m + 1]!;
    if (pm < 0) {
      y = y - 1; m = 12; d = 31; h = 23; mi = 59; s = 59;
      continue;
    }
    if (pm !== m) {
      m = pm; d = 31; h = 23; mi = 59; s = 59;
    }
    const length = daysInMonth(y, m);
    if (d > length) d = length;
    const mask = dayMask(spec, y, m, length) & LOW_TO[Math.max(d, 0)]!;
    if (mask === 0) {
      m = m - 1; d = 31; h = 23; mi = 59; s = 59;
      continue;
    }
    const pd = 32 - Math.clz32(mask);
    if (pd !== d) {
      d = pd; h = 23; mi = 59; s = 59;
    }
    const ph = spec.hours.prev[h + 1]!;
    if (ph < 0) {
      d = d - 1; h = 23; mi = 59; s = 59;
      continue;
    }
    if (ph !== h) {
      h = ph; mi = 59; s = 59;
    }
    const pmi = spec.minutes.prev[mi + 1]!;
    if (pmi < 0) {
      h = h - 1; mi = 59; s = 59;
      continue;
    }
    if (pmi !== mi) {
      mi = pmi; s = 59;
    }
    const ps = spec.seconds.prev[s + 1]!;
    if (ps < 0) {
      mi = mi - 1; s = 59;
      continue;
    }
    return daysFromCivil(y, m, d) * DAY + h * 3600 + mi * 60 + ps;
  }
}
