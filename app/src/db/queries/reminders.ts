// Statements on `reminders`: per (check, channel) state of "still down" reminders.
import type pg from 'pg';
import type { Queryable } from '../pool.ts';

export interface ReminderCandidateRow {
  check_id: number;
  channel_id: number;
  channel_kind: string;
  channel_config: unknown;
  flip_id: number;
  down_since: Date;
}

/**
 * Down checks with channels that ask for reminders (config.reminder_interval > 0, read
 * defensively: a non-number counts as 0) and no reminder row yet. Only once the down flip is
 * processed, so a reminder is never queued ahead of the alert it repeats (index
 * checks_project_down keeps this to the down checks).
 */
export async function reminderCandidates(db: Queryable, limit: number): Promise<ReminderCandidateRow[]> {
  const { rows } = await db.query<ReminderCandidateRow>(
    `select k.id as check_id, ch.id as channel_id, ch.kind as channel_kind, ch.config as channel_config,
            f.id as flip_id, f.created_at as down_since
       from checks k
       join check_channels cc on cc.check_id = k.id
       join channels ch on ch.id = cc.channel_id
       cross join lateral (
              select id, created_at, new_status, processed_at
                from flips
               where check_id = k.id
               order by id desc
               limit 1) f
      where k.status = 'down'
        and not ch.disabled
        and jsonb_typeof(ch.config -> 'reminder_interval') = 'number'
        and (ch.config ->> 'reminder_interval')::numeric > 0
        and f.new_status = 'down'
        and f.processed_at is not null
        and not exists (
              select 1
                from reminders r
               where r.check_id = k.id
                 and r.channel_id = ch.id)
      order by k.id, ch.id
      limit $1`,
    [limit],
  );
  return rows;
}

export interface NewReminder {
  checkId: number;
  channelId: number;
  flipId: number;
  nextAt: Date;
}

/** Starts reminder rows; an existing row for the same (check, channel) wins. */
export async function insertReminders(db: Queryable, rows: readonly NewReminder[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into reminders (check_id, channel_id, flip_id, next_at)
     select *
       from unnest($1::int[], $2::int[], $3::bigint[], $4::timestamptz[])
     on conflict (check_id, channel_id) do nothing`,
    [rows.map((r) => r.checkId), rows.map((r) => r.channelId), rows.map((r) => r.flipId), rows.map((r) => r.nextAt)],
  );
}

export interface DueReminderRow {
  check_id: number;
  channel_id: number;
  flip_id: number;
  next_at: Date;
  sent: number;
  down_since: Date;
  check_status: string;
  latest_flip_id: number | null;
  channel_kind: string;
  channel_config: unknown;
  channel_disabled: boolean;
}

/**
 * Locks due reminder rows with what decides whether they still apply. `skip locked`: several
 * engines take disjoint rows, and a flip being dispatched (which deletes the rows of its
 * check) makes this pass skip them. Must run inside a transaction.
 */
export async function lockDueReminders(client: pg.PoolClient, now: Date, limit: number): Promise<DueReminderRow[]> {
  const { rows } = await client.query<DueReminderRow>(
    `select r.check_id, r.channel_id, r.flip_id, r.next_at, r.sent, f.created_at as down_since,
            k.status as check_status,
            (select max(id) from flips where check_id = r.check_id) as latest_flip_id,
            ch.kind as channel_kind, ch.config as channel_config, ch.disabled as channel_disabled
       from reminders r
       join checks k on k.id = r.check_id
       join channels ch on ch.id = r.channel_id
       join flips f on f.id = r.flip_id
      where r.next_at <= $1
      order by r.next_at
      limit $2
      for update of r skip locked`,
    [now, limit],
  );
  return rows;
}

/** Moves a reminder row to its next time after one was queued. */
export async function advanceReminder(db: Queryable, checkId: number, channelId: number, nextAt: Date): Promise<void> {
  await db.query(
    `update reminders
        set next_at = $3,
            sent = sent + 1
      where check_id = $1
        and channel_id = $2`,
    [checkId, channelId, nextAt],
  );
}

/** Deletes one reminder row (its down period is over, or the channel stopped asking). */
export async function deleteReminder(db: Queryable, checkId: number, channelId: number): Promise<void> {
  await db.query(
    `delete from reminders
      where check_id = $1
        and channel_id = $2`,
    [checkId, channelId],
  );
}

/** Ends the reminder periods of checks that flipped again. */
export async function deleteRemindersOfChecks(db: Queryable, checkIds: readonly number[]): Promise<void> {
  if (checkIds.length === 0) return;
  await db.query(
    `delete from reminders
      where check_id = any($1::int[])`,
    [checkIds],
  );
}
