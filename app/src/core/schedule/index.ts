// The schedule engine's public face: the API, the status rules, the alert engine, the dashboard
// and the provisioning tool's crontabs all go through these functions and nothing else.
//
// Until the engine lands (issue 3) no cron or OnCalendar expression can be validated, so every
// one is refused: the API then accepts only what it can validate, as the issue asks.

export type ScheduleKind = 'cron' | 'oncalendar';

/** An expression or time zone the engine refuses; the message names the field ("Bad day-of-month"). */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/** A parsed expression bound to a time zone. */
export interface Schedule {
  /** The first fire time strictly after `after`; null when nothing fires within 50 years. */
  next(after: Date): Date | null;
  /** The last fire time strictly before `before`; null when nothing fired within 50 years. */
  prev(before: Date): Date | null;
}

/** Parses `expression` of `kind` in time zone `tz` (legacy names accepted); throws ScheduleError. */
export function parseSchedule(kind: ScheduleKind, expression: string, tz: string): Schedule {
  void kind;
  void expression;
  void tz;
  throw new ScheduleError('schedules are not supported yet');
}

/** Healthchecks' rule: one line of exactly five fields is cron, anything else OnCalendar. */
export function guessKind(expression: string): ScheduleKind {
  const lines = expression.trim().split('\n');
  return lines.length === 1 && expression.trim().split(/\s+/).length === 5 ? 'cron' : 'oncalendar';
}

/** The canonical IANA name for `name` (legacy aliases such as Europe/Kiev mapped); null when unknown. */
export function canonicalTimezone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
