// Statements on `twilio_messages`: the messages and calls Twilio accepted, by SID, tying its
// delivery status callbacks to our notifications.
import type { Queryable } from '../pool.ts';

export interface NewTwilioMessage {
  readonly sid: string;
  /** The notification code in the status callback URL (the delivery's code, or a test's). */
  readonly code: string;
  readonly channelId: number;
  /** The attempt's time (notice.now). */
  readonly createdAt: Date;
}

/** Records a message Twilio accepted. A SID already recorded is left as it is. */
export async function insertTwilioMessage(db: Queryable, message: NewTwilioMessage): Promise<void> {
  await db.query(
    `insert into twilio_messages (sid, code, channel_id, created_at)
     values ($1, $2, $3, $4)
     on conflict (sid) do nothing`,
    [message.sid, message.code, message.channelId, message.createdAt],
  );
}

/** The SID of a message Twilio already accepted for this notification code; null when none. */
export async function acceptedMessageSid(db: Queryable, code: string): Promise<string | null> {
  const { rows } = await db.query<{ sid: string }>(
    `select sid
       from twilio_messages
      where code = $1
      order by created_at desc
      limit 1`,
    [code],
  );
  return rows[0]?.sid ?? null;
}

export interface StatusReport {
  readonly code: string;
  readonly sid: string;
  /** MessageStatus or CallStatus as Twilio sent it. */
  readonly status: string;
  /** '' unless the status means the delivery failed. */
  readonly error: string;
  /** Reports about messages sent before this are ignored (Healthchecks: one hour). */
  readonly since: Date;
}

export interface StatusOutcome {
  /** The message is ours and recent enough. */
  readonly found: boolean;
  /** The failure was written on the notification that sent the message. */
  readonly notification: boolean;
  /** The failure was written on the channel's last_error. */
  readonly channel: boolean;
  /** A later copy of the same notification was sent, so this failure does not speak for it. */
  readonly superseded: boolean;
}

/**
 * Stores a status Twilio reported for one message. A failure also becomes the error of the
 * notification that sent it and the channel's last_error, unless a later copy of the same
 * notification was sent since (a resend after a lost outcome). The notification of a delivery
 * is its newest attempt logged since the message was sent (the one that succeeded); a test
 * notification has no delivery and is found by its channel and time.
 */
export async function recordTwilioStatus(db: Queryable, report: StatusReport): Promise<StatusOutcome> {
  const { rows } = await db.query<{ found: number; current: number; notified: number; channel: number }>(
    `with message as (
       update twilio_messages m
          set status = $3,
              error = case when $4 = '' then m.error else $4 end
        where m.code = $1
          and m.sid = $2
          and m.created_at > $5
       returning m.code, m.channel_id, m.created_at
     ), current as (
       select message.*
         from message
        where $4 <> ''
          and not exists (
                select 1
                  from twilio_messages later
                 where later.code = message.code
                   and later.created_at > message.created_at)
     ), target as (
       select coalesce(
                (select n.id
                   from deliveries d
                   join notifications n on n.delivery_id = d.id
                  where d.code = current.code
                    and n.channel_id = current.channel_id
                    and n.created_at >= current.created_at
                  order by n.created_at desc, n.id desc
                  limit 1),
                (select n.id
                   from notifications n
                  where n.channel_id = current.channel_id
                    and n.delivery_id is null
                    and n.check_status = 'test'
                    and n.created_at = current.created_at
                  order by n.id desc
                  limit 1)) as id
         from current
     ), notified as (
       update notifications n
          set error = $4
         from target
        where n.id = target.id
       returning n.id
     ), channel as (
       update channels c
          set last_error = $4
         from current
        where c.id = current.channel_id
       returning c.id
     )
     select (select count(*) from message)::int as found,
            (select count(*) from current)::int as current,
            (select count(*) from notified)::int as notified,
            (select count(*) from channel)::int as channel`,
    [report.code, report.sid, report.status.slice(0, 40), report.error.slice(0, 200), report.since],
  );
  const row = rows[0] ?? { found: 0, current: 0, notified: 0, channel: 0 };
  return {
    found: row.found > 0,
    notification: row.notified > 0,
    channel: row.channel > 0,
    superseded: row.found > 0 && report.error !== '' && row.current === 0,
  };
}

/** Deletes messages older than `before`, up to `limit` (callbacks only matter for an hour). */
export async function pruneTwilioMessages(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from twilio_messages
      where sid in (
            select sid
              from twilio_messages
             where created_at < $1
             limit $2)`,
    [before, limit],
  );
  return rowCount ?? 0;
}
