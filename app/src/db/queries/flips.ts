// Statements on `flips` used by the alert engine's dispatcher.
import type pg from 'pg';
import type { FlipReason } from '../../core/summary.ts';
import type { StoredStatus } from '../../core/status.ts';
import type { Queryable } from '../pool.ts';

export interface PendingFlipRow {
  id: number;
  check_id: number;
  created_at: Date;
  old_status: StoredStatus;
  new_status: StoredStatus;
  reason: FlipReason;
}

/**
 * Locks up to `limit` unprocessed flips, oldest first, taking only the earliest unprocessed
 * flip of each check: a check's later flip waits until its earlier one is committed as
 * processed, so its deliveries are always created (and numbered) after the earlier ones.
 * `skip locked`: several engines take disjoint sets. Must run inside a transaction.
 */
export async function lockPendingFlips(client: pg.PoolClient, limit: number): Promise<PendingFlipRow[]> {
  const { rows } = await client.query<PendingFlipRow>(
    `select f.id, f.check_id, f.created_at, f.old_status, f.new_status, f.reason
       from flips f
      where f.processed_at is null
        and not exists (
              select 1
                from flips e
               where e.check_id = f.check_id
                 and e.processed_at is null
                 and e.id < f.id)
      order by f.id
      limit $1
      for update skip locked`,
    [limit],
  );
  return rows;
}

/** Locks one unprocessed flip by id (the one-by-one fallback); null when taken or not first of its check. */
export async function lockPendingFlip(client: pg.PoolClient, id: number): Promise<PendingFlipRow | null> {
  const { rows } = await client.query<PendingFlipRow>(
    `select f.id, f.check_id, f.created_at, f.old_status, f.new_status, f.reason
       from flips f
      where f.id = $1
        and f.processed_at is null
        and not exists (
              select 1
                from flips e
               where e.check_id = f.check_id
                 and e.processed_at is null
                 and e.id < f.id)
      for update skip locked`,
    [id],
  );
  return rows[0] ?? null;
}

/** Ids of the oldest unprocessed flips, unlocked. */
export async function pendingFlipIds(db: Queryable, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `select id
       from flips
      where processed_at is null
      order by id
      limit $1`,
    [limit],
  );
  return rows.map((r) => r.id);
}

/** Marks flips processed at `now`. */
export async function markFlipsProcessed(db: Queryable, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update flips
        set processed_at = $2
      where id = any($1::bigint[])
        and processed_at is null`,
    [ids, now],
  );
}

/**
 * For each flip, when its check went down before it: the time of the check's previous flip
 * when that flip was to "down" (Healthchecks' Flip.down_duration). Flips without one are absent.
 */
export async function downSinceForFlips(db: Queryable, flipIds: readonly number[]): Promise<Map<number, Date>> {
  if (flipIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; down_since: Date }>(
    `select f.id, p.created_at as down_since
       from flips f
       cross join lateral (
              select e.new_status, e.created_at
                from flips e
               where e.check_id = f.check_id
                 and e.id < f.id
               order by e.id desc
               limit 1) p
      where f.id = any($1::bigint[])
        and p.new_status = 'down'`,
    [flipIds],
  );
  return new Map(rows.map((r) => [r.id, r.down_since]));
}
