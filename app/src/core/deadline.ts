// What the deadline scan does to a check whose alert_after has passed. alert_after is a hint:
// it may be early (the ping path computes it cheaply for cron checks), never late, so the scan
// recomputes the status with the same rules as the API before it writes a flip.
import { goesDownAt, statusAt, type CheckTiming, type StoredStatus } from './status.ts';

/** How long a check whose status cannot be computed is set aside before it is tried again. */
export const POISON_DELAY_SECONDS = 3600;

export type DeadlineDecision =
  /** The check is down: store "down" and write a flip dated `flipAt` (its computed deadline). */
  | { action: 'down'; oldStatus: StoredStatus; flipAt: Date }
  /** Not down yet: move alert_after to the real deadline (null: the check cannot go down now). */
  | { action: 'reschedule'; alertAfter: Date | null }
  /** The status cannot be computed (a schedule that throws, corrupt data): look again later. */
  | { action: 'poison'; alertAfter: Date; error: string };

/**
 * Decides for one overdue check at `now`. Never throws: a computation that fails becomes
 * `poison` one hour later. A reschedule to a time not after `now` (which only inconsistent
 * rules could produce) is also treated as poison, so the scan can never spin on one check.
 */
export function decideDeadline(check: CheckTiming, now: Date): DeadlineDecision {
  const later = new Date(now.getTime() + POISON_DELAY_SECONDS * 1000);
  try {
    if (check.status !== 'down' && statusAt(check, now) === 'down') {
      // The flip is dated when the check went down, not when we noticed: the engine may have
      // been stopped for hours, and "down since" must be true.
      const flipAt = goesDownAt(check) ?? now;
      return { action: 'down', oldStatus: check.status, flipAt: flipAt <= now ? flipAt : now };
    }
    const alertAfter = check.status === 'down' ? null : goesDownAt(check);
    if (alertAfter !== null && alertAfter <= now) {
      return { action: 'poison', alertAfter: later, error: `deadline ${alertAfter.toISOString()} has passed but the check is not down` };
    }
    return { action: 'reschedule', alertAfter };
  } catch (error) {
    return { action: 'poison', alertAfter: later, error: error instanceof Error ? error.message : String(error) };
  }
}
