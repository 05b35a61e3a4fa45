// Statements on `twilio_usage`: monthly counts of SMS/WhatsApp messages and phone calls per
// account, against SMS_LIMIT and CALL_LIMIT. Several engines share the counts safely: every
// change is one conditional update on the account's row for the month.
import type { Queryable } from '../pool.ts';

export type UsageKind = 'sms' | 'call';

/** Whose usage counts: the project owner, or the project itself when it has no owner. Exactly one is set. */
export interface UsageAccount {
  readonly userId: number | null;
  readonly projectId: number | null;
}

export interface ChannelAccountRow {
  channel_id: number;
  project_id: number;
  project_name: string;
  owner_id: number | null;
  owner_email: string | null;
}

/** The channel's project and owner, by the channel's public code; null when the channel is gone. */
export async function channelAccount(db: Queryable, channelCode: string): Promise<ChannelAccountRow | null> {
  const { rows } = await db.query<ChannelAccountRow>(
    `select c.id as channel_id, p.id as project_id, p.name as project_name, p.owner_id, u.email as owner_email
       from channels c
       join projects p on p.id = c.project_id
       left join users u on u.id = p.owner_id
      where c.code = $1`,
    [channelCode],
  );
  return rows[0] ?? null;
}

/** The account a channel's usage counts against. */
export function usageAccount(row: ChannelAccountRow): UsageAccount {
  return row.owner_id === null ? { userId: null, projectId: row.project_id } : { userId: row.owner_id, projectId: null };
}

/** Creates the account's row for the month unless it exists (a no-op then). */
export async function ensureUsageRow(db: Queryable, account: UsageAccount, kind: UsageKind, month: string): Promise<void> {
  // No conflict target: either partial unique index (per user, per project) may be the one hit.
  await db.query(
    `insert into twilio_usage (user_id, project_id, kind, month)
     values ($1, $2, $3, $4)
     on conflict do nothing`,
    [account.userId, account.projectId, kind, month],
  );
}

/**
 * Counts one send if the account is under `limit` this month; false when the limit is reached.
 * A conditional update on the row: concurrent engines can never take more than `limit` in all.
 */
export async function takeUsage(db: Queryable, account: UsageAccount, kind: UsageKind, month: string, limit: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update twilio_usage
        set sent = sent + 1
      where (user_id = $1 or project_id = $2)
        and kind = $3
        and month = $4
        and sent < $5`,
    [account.userId, account.projectId, kind, month, limit],
  );
  return rowCount === 1;
}

/** Gives back one count taken by takeUsage, for a send Twilio refused (it was not sent). */
export async function returnUsage(db: Queryable, account: UsageAccount, kind: UsageKind, month: string): Promise<void> {
  await db.query(
    `update twilio_usage
        set sent = sent - 1
      where (user_id = $1 or project_id = $2)
        and kind = $3
        and month = $4
        and sent > 0`,
    [account.userId, account.projectId, kind, month],
  );
}

/** The account's count this month (0 when there is no row). */
export async function usageThisMonth(db: Queryable, account: UsageAccount, kind: UsageKind, month: string): Promise<number> {
  const { rows } = await db.query<{ sent: number }>(
    `select sent
       from twilio_usage
      where (user_id = $1 or project_id = $2)
        and kind = $3
        and month = $4`,
    [account.userId, account.projectId, kind, month],
  );
  return rows[0]?.sent ?? 0;
}

/**
 * Marks this month's "limit reached" notice as sent; true for the one caller that marked it
 * (conditional update), so the owner is told once a month however many sends hit the limit.
 */
export async function claimLimitNotice(db: Queryable, account: UsageAccount, kind: UsageKind, month: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `update twilio_usage
        set limit_notice_at = $5
      where (user_id = $1 or project_id = $2)
        and kind = $3
        and month = $4
        and limit_notice_at is null`,
    [account.userId, account.projectId, kind, month, now],
  );
  return rowCount === 1;
}

/** Undoes claimLimitNotice when the email could not be sent, so a later send tries again. */
export async function releaseLimitNotice(db: Queryable, account: UsageAccount, kind: UsageKind, month: string): Promise<void> {
  await db.query(
    `update twilio_usage
        set limit_notice_at = null
      where (user_id = $1 or project_id = $2)
        and kind = $3
        and month = $4`,
    [account.userId, account.projectId, kind, month],
  );
}
