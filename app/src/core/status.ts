// Check status, exactly as Healthchecks computes it (hc/api/models.py: get_grace_start,
// going_down_after, get_status). Pure: every function takes `now` or nothing time-related.
import { parseSchedule } from './schedule/index.ts';

export type StoredStatus = 'new' | 'up' | 'down' | 'paused';
/** What the API and the dashboard show; "grace" and "started" are never stored. */
export type Status = StoredStatus | 'grace' | 'started';
export type CheckKind = 'simple' | 'cron' | 'oncalendar';

/** The fields of a check that decide its status. */
export interface CheckTiming {
  kind: CheckKind;
  timeoutSeconds: number;
  graceSeconds: number;
  schedule: string;
  tz: string;
  status: StoredStatus;
  lastPing: Date | null;
  lastStart: Date | null;
}

const addSeconds = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

/**
 * When the next success ping is expected, counted from the last one: last ping + timeout for
 * simple checks, the schedule's next fire time after it otherwise. Null before the first ping
 * and when the schedule never fires again. Throws ScheduleError for a schedule that cannot be
 * parsed (only corrupt data can hold one; the API validates).
 */
export function nextExpected(check: CheckTiming): Date | null {
  if (check.lastPing === null) return null;
  if (check.kind === 'simple') return addSeconds(check.lastPing, check.timeoutSeconds);
  return parseSchedule(check.kind, check.schedule, check.tz).next(check.lastPing);
}

/**
 * When the grace period starts: the next expected ping of an up check, or the last start
 * of a running check if that is earlier. Null when nothing is awaited (new, paused or down
 * and not running), which the API shows as `next_ping: null`.
 */
export function graceStart(check: CheckTiming, withStarted = true): Date | null {
  let result = check.status === 'up' ? nextExpected(check) : null;
  if (withStarted && check.lastStart !== null && check.status !== 'down') {
    result = result === null || check.lastStart < result ? check.lastStart : result;
  }
  return result;
}

/** When the check goes down if no ping arrives first (stored as `alert_after`); null when it cannot. */
export function goesDownAt(check: CheckTiming): Date | null {
  const start = graceStart(check);
  return start === null ? null : addSeconds(start, check.graceSeconds);
}

/**
 * The status at `now`. A start without a finish within the grace time is down whatever the
 * stored status (a new or paused check that was started can time out). With `withStarted`
 * (API v1 and the dashboard), a running check that is not yet overdue shows as "started".
 */
export function statusAt(check: CheckTiming, now: Date, options: { withStarted?: boolean } = {}): Status {
  if (check.lastStart !== null) {
    if (now >= addSeconds(check.lastStart, check.graceSeconds)) return 'down';
    if (options.withStarted) return 'started';
  }
  if (check.status !== 'up') return check.status;
  const start = graceStart(check, false);
  if (start === null) return 'up';
  if (now >= addSeconds(start, check.graceSeconds)) return 'down';
  if (now >= start) return 'grace';
  return 'up';
}
