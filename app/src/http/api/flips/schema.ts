// The query of `GET .../flips/`, validated as Healthchecks' FlipsFiltersForm (any problem: 400).
import { BadRequestError } from '../../errors.ts';

export interface FlipFilters {
  /** Flips at or after this time (`start`, and `seconds` before now, whichever is later). */
  since: Date | null;
  /** Flips before this time (`end`). */
  until: Date | null;
}

/** Python's int() of a string: surrounding whitespace, a sign, underscores between digits. */
function pythonInt(text: string): number | null {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  return match ? Number(`${match[1]}${match[2]!.replaceAll('_', '')}`) : null;
}

/** A unix time 0..10000000000 (Healthchecks' TimestampField); an empty value is invalid too. */
function timestamp(text: string | null): Date | null {
  if (text === null) return null;
  const value = pythonInt(text);
  if (value === null || value < 0 || value > 10_000_000_000) throw new BadRequestError();
  return new Date(value * 1000);
}

/** Django's IntegerField: empty means absent; "5.0" is 5; 0..31536000. */
function seconds(text: string | null): number | null {
  if (text === null || text === '') return null;
  const value = pythonInt(text.replace(/\.0*\s*$/, ''));
  if (value === null || value < 0 || value > 31_536_000) throw new BadRequestError();
  return value;
}

/** The filters from `start`, `end` and `seconds` (last values); throws BadRequestError. */
export function parseFlipFilters(query: { start: string | null; end: string | null; seconds: string | null }, now: Date): FlipFilters {
  const start = timestamp(query.start);
  const until = timestamp(query.end);
  const window = seconds(query.seconds);
  // seconds=0 means no filter, as in Healthchecks (it tests the value for truth).
  const recent = window ? new Date(now.getTime() - window * 1000) : null;
  const since = start && recent ? (start > recent ? start : recent) : start ?? recent;
  return { since, until };
}
