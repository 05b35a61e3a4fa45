// SQL for the channels table and the check_channels links, as the management API uses them.
import type { Queryable } from '../pool.ts';

export interface ChannelRecord {
  id: number;
  code: string;
  projectId: number;
  kind: string;
  name: string;
  config: unknown;
}

const CHANNEL_COLUMNS = 'id, code, project_id as "projectId", kind, name, config';

/** The project's channels in creation order. */
export async function listChannels(db: Queryable, projectId: number): Promise<ChannelRecord[]> {
  const { rows } = await db.query<ChannelRecord>(
    `select ${CHANNEL_COLUMNS}
       from channels
      where project_id = $1
      order by id`,
    [projectId],
  );
  return rows;
}

/** The channel with `code`, in any project; null when there is none. */
export async function findChannelByCode(db: Queryable, code: string): Promise<ChannelRecord | null> {
  const { rows } = await db.query<ChannelRecord>(
    `select ${CHANNEL_COLUMNS}
       from channels
      where code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

/** Inserts a channel and returns it. */
export async function insertChannel(
  db: Queryable,
  channel: { code: string; projectId: number; kind: string; name: string; config: unknown; createdAt: Date },
): Promise<ChannelRecord> {
  const { rows } = await db.query<ChannelRecord>(
    `insert into channels (code, project_id, kind, name, config, created_at)
     values ($1, $2, $3, $4, $5, $6)
     returning ${CHANNEL_COLUMNS}`,
    [channel.code, channel.projectId, channel.kind, channel.name, JSON.stringify(channel.config), channel.createdAt],
  );
  return rows[0]!;
}

/**
 * Replaces a channel's kind, name and settings; null when it was deleted meanwhile. A changed
 * setting clears the last error and re-enables a channel disabled after permanent failures.
 */
export async function updateChannel(
  db: Queryable,
  id: number,
  channel: { kind: string; name: string; config: unknown },
): Promise<ChannelRecord | null> {
  const { rows } = await db.query<ChannelRecord>(
    `update channels
        set kind = $2, name = $3, config = $4, disabled = false, last_error = ''
      where id = $1
     returning ${CHANNEL_COLUMNS}`,
    [id, channel.kind, channel.name, JSON.stringify(channel.config)],
  );
  return rows[0] ?? null;
}

/** Deletes a channel (its links to checks cascade); false when it was already gone. */
export async function deleteChannel(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from channels where id = $1', [id]);
  return rowCount === 1;
}

/** Removes the check's links to channels other than `channelIds`. */
export async function unlinkOtherChannels(db: Queryable, checkId: number, channelIds: number[]): Promise<void> {
  await db.query(
    `delete from check_channels
      where check_id = $1
        and channel_id <> all($2::integer[])`,
    [checkId, channelIds],
  );
}

/** Links the check to `channelIds`; links that exist are kept. */
export async function linkChannels(db: Queryable, checkId: number, channelIds: number[]): Promise<void> {
  await db.query(
    `insert into check_channels (check_id, channel_id)
     select $1, unnest($2::integer[])
     on conflict do nothing`,
    [checkId, channelIds],
  );
}

/** Removes the channel's links to checks other than `checkIds`. */
export async function unlinkOtherChecks(db: Queryable, channelId: number, checkIds: number[]): Promise<void> {
  await db.query(
    `delete from check_channels
      where channel_id = $1
        and check_id <> all($2::integer[])`,
    [channelId, checkIds],
  );
}

/** Links the channel to `checkIds`; links that exist are kept. */
export async function linkChecks(db: Queryable, channelId: number, checkIds: number[]): Promise<void> {
  await db.query(
    `insert into check_channels (check_id, channel_id)
     select unnest($2::integer[]), $1
     on conflict do nothing`,
    [channelId, checkIds],
  );
}

/** Codes of the checks linked to the channel, sorted. */
export async function linkedCheckCodes(db: Queryable, channelId: number): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `select c.code
       from check_channels cc
       join checks c on c.id = cc.check_id
      where cc.channel_id = $1
      order by c.code`,
    [channelId],
  );
  return rows.map((r) => r.code);
}
