// Proleptic Gregorian calendar arithmetic on "naive" seconds: a wall-clock reading counted as if
// it were UTC (seconds since 1970-01-01T00:00:00 on the wall). Integer maths only, no Date
// objects, because the matcher calls these in its inner loop.

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

/** Days since 1970-01-01 of a civil date (month 1-12); valid far beyond years 1-9999. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A civil date split into its parts; reused by callers that decompose in a loop. */
export interface Civil {
  year: number;
  month: number;
  day: number;
}

/** The civil date of a day number (inverse of daysFromCivil), written into `out`. */
export function civilFromDays(days: number, out: Civil): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  out.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
  return out;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_LENGTHS[month] ?? 31);
}

/** Day of week of a day number: 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** The year of a naive second count (or of a Unix time, in UTC). */
export function yearOfNaive(naive: number): number {
  const z = Math.floor(naive / DAY) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  // Days of year from March 1: January and February (doy >= 306) belong to the next civil year.
  return yoe + era * 400 + (doy >= 306 ? 1 : 0);
}

/** Naive seconds of 00:00:00 on January 1 of `year`. */
export function naiveYearStart(year: number): number {
  return daysFromCivil(year, 1, 1) * DAY;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** ISO-8601 local time of naive seconds with the given UTC offset in seconds ("+01:00"). */
export function formatLocal(naive: number, offset: number): string {
  const days = Math.floor(naive / DAY);
  const c = civilFromDays(days, { year: 0, month: 0, day: 0 });
  const sod = naive - days * DAY;
  const time = `${pad(Math.floor(sod / HOUR))}:${pad(Math.floor(sod / MINUTE) % 60)}:${pad(sod % 60)}`;
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}T${time}${formatOffset(offset)}`;
}

/** "+HH:MM", or "+HH:MM:SS" for the odd local mean time offset, as Python's isoformat writes. */
export function formatOffset(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const seconds = abs % 60;
  const base = `${sign}${pad(Math.floor(abs / HOUR))}:${pad(Math.floor(abs / MINUTE) % 60)}`;
  return seconds === 0 ? base : `${base}:${pad(seconds)}`;
}
