// SQL over the flips table for the management API: the status history it lists, and the flips
// that pause and resume record. Flips that need alerts are written by the ping path and the
// alert engine, never here: those written here are born processed.
import type { StoredStatus } from '../../core/status.ts';
import type { Queryable } from '../pool.ts';

export interface LoggedFlip {
  createdAt: Date;
  newStatus: StoredStatus;
}

/** The check's flips newest first, created at or after `since` and before `until` when given. */
export async function listFlips(db: Queryable, checkId: number, since: Date | null, until: Date | null): Promise<LoggedFlip[]> {
  const { rows } = await db.query<LoggedFlip>(
    `select created_at as "createdAt", new_status as "newStatus"
       from flips
      where check_id = $1
        and ($2::timestamptz is null or created_at >= $2)
        and ($3::timestamptz is null or created_at < $3)
      order by id desc`,
    [checkId, since, until],
  );
  return rows;
}

/** Records a status change nobody is alerted about (pause, resume), marked processed at once. */
export async function insertProcessedFlip(
  db: Queryable,
  flip: { checkId: number; createdAt: Date; oldStatus: StoredStatus; newStatus: StoredStatus },
): Promise<void> {
  await db.query(
    `insert into flips (check_id, created_at, old_status, new_status, reason, processed_at)
     values ($1, $2, $3, $4, '', $2)`,
    [flip.checkId, flip.createdAt, flip.oldStatus, flip.newStatus],
  );
}
