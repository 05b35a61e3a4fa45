// Statements on `channels` used by the alert engine, the unsubscribe page and test sends.
import type { Queryable } from '../pool.ts';

export interface CheckChannelRow {
  check_id: number;
  id: number;
  kind: string;
  config: unknown;
  disabled: boolean;
}

/** The channels of each check (check_channels), with what the dispatcher needs to select them. */
export async function channelsOfChecks(db: Queryable, checkIds: readonly number[]): Promise<CheckChannelRow[]> {
  if (checkIds.length === 0) return [];
  const { rows } = await db.query<CheckChannelRow>(
    `select cc.check_id, c.id, c.kind, c.config, c.disabled
       from check_channels cc
       join channels c on c.id = cc.channel_id
      where cc.check_id = any($1::int[])
      order by cc.check_id, c.id`,
    [checkIds],
  );
  return rows;
}

export interface ChannelRow {
  id: number;
  code: string;
  project_id: number;
  kind: string;
  name: string;
  config: unknown;
  disabled: boolean;
  unsubscribe_key: string;
}

/** One channel by its public code; null when there is none. */
export async function channelByCode(db: Queryable, code: string): Promise<ChannelRow | null> {
  const { rows } = await db.query<ChannelRow>(
    `select id, code, project_id, kind, name, config, disabled, unsubscribe_key
       from channels
      where code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

/**
 * Disables a channel after a permanent error or an unsubscribe. Conditional on it being
 * enabled, so of several concurrent callers exactly one learns that it disabled the channel
 * (and sends the notice). Returns true for that one.
 */
export async function disableChannel(db: Queryable, id: number, now: Date, error: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update channels
        set disabled = true,
            disabled_at = $2,
            last_error = $3
      where id = $1
        and not disabled`,
    [id, now, error],
  );
  return rowCount === 1;
}

/** Records the outcome of a test notification on the channel, as a real one would be. */
export async function recordChannelAttempt(db: Queryable, id: number, now: Date, durationMs: number, error: string): Promise<void> {
  await db.query(
    `update channels
        set last_notify = $2,
            last_notify_duration_ms = $3,
            last_error = $4
      where id = $1`,
    [id, now, Math.round(durationMs), error.slice(0, 1000)],
  );
}

export interface OwnerRow {
  email: string | null;
  project_code: string;
  project_name: string;
}

/** The project of a channel and its owner's email (null when the project has no owner). */
export async function channelOwner(db: Queryable, channelId: number): Promise<OwnerRow | null> {
  const { rows } = await db.query<OwnerRow>(
    `select u.email, p.code as project_code, p.name as project_name
       from channels c
       join projects p on p.id = c.project_id
       left join users u on u.id = p.owner_id
      where c.id = $1`,
    [channelId],
  );
  return rows[0] ?? null;
}

/** Disables a channel at its recipient's request (one-click unsubscribe); true when it was enabled. */
export async function unsubscribeChannel(db: Queryable, id: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `update channels
        set disabled = true,
            disabled_at = $2
      where id = $1
        and not disabled`,
    [id, now],
  );
  return rowCount === 1;
}

/**
 * Replaces a channel's settings from inside a send (Telegram's new chat id after a group
 * upgrade). Conditional on the settings still being `current`, compared as jsonb, so a change
 * made through the API meanwhile is kept; false then, or when the channel is gone.
 */
export async function replaceChannelConfig(db: Queryable, id: number, current: unknown, next: unknown): Promise<boolean> {
  const { rowCount } = await db.query(
    `update channels
        set config = $3
      where id = $1
        and config = $2::jsonb`,
    [id, JSON.stringify(current), JSON.stringify(next)],
  );
  return rowCount === 1;
}
