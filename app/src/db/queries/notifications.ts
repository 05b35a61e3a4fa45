// Statements on `notifications`, the log of attempts to notify (Healthchecks' Notification).
// Attempts of queued deliveries are logged by recordSent/recordFailure in deliveries.ts, in
// the same statement that records the outcome.
import type { Queryable } from '../pool.ts';

/** Deletes notifications older than `before` (test sends have no delivery), up to `limit`. */
export async function pruneNotifications(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from notifications
      where id in (
            select id
              from notifications
             where created_at < $1
             limit $2)`,
    [before, limit],
  );
  return rowCount ?? 0;
}

/** Logs a test notification (no delivery, no retries). */
export async function insertTestNotification(db: Queryable, channelId: number, now: Date, durationMs: number, error: string): Promise<void> {
  await db.query(
    `insert into notifications (delivery_id, channel_id, check_id, check_status, created_at, duration_ms, error)
     values (null, $1, null, 'test', $2, $3, $4)`,
    [channelId, now, Math.round(durationMs), error.slice(0, 1000)],
  );
}

