// Statements on `deliveries` (and the notification log each outcome writes): the durable,
// at-least-once queue between the dispatcher and the senders.
import type { Direction } from '../../core/selection.ts';
import type { Summary } from '../../core/summary.ts';
import type { Queryable } from '../pool.ts';

export type DeliveryKind = 'flip' | 'reminder' | 'notice';

export interface NewDelivery {
  kind: DeliveryKind;
  channelId: number;
  channelKind: string;
  checkId: number | null;
  flipId: number | null;
  status: Direction;
  eventAt: Date;
  summary: Summary | Record<string, unknown>;
  code: string;
}

/**
 * Queues deliveries, due at `now`. A flip's delivery to a channel is unique
 * (deliveries_flip_channel), so dispatching the same flip twice queues nothing new.
 */
export async function insertDeliveries(db: Queryable, rows: readonly NewDelivery[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await db.query(
    `insert into deliveries (kind, channel_id, channel_kind, check_id, flip_id, status, event_at, queued_at,
                             summary, code, next_attempt_at)
     select kind, channel_id, channel_kind, check_id, flip_id, status, event_at, $10, summary, code, $10
       from unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::timestamptz[],
                   $8::jsonb[], $9::uuid[])
            as d (kind, channel_id, channel_kind, check_id, flip_id, status, event_at, summary, code)
      order by flip_id, channel_id
     on conflict (flip_id, channel_id) where kind = 'flip' do nothing`,
    [
      rows.map((r) => r.kind),
      rows.map((r) => r.channelId),
      rows.map((r) => r.channelKind),
      rows.map((r) => r.checkId),
      rows.map((r) => r.flipId),
      rows.map((r) => r.status),
      rows.map((r) => r.eventAt),
      rows.map((r) => JSON.stringify(r.summary)),
      rows.map((r) => r.code),
      now,
    ],
  );
  return rowCount ?? 0;
}

/** Kinds that have deliveries due at `now` (a cheap look before claiming per kind). */
export async function dueKinds(db: Queryable, now: Date): Promise<string[]> {
  const { rows } = await db.query<{ channel_kind: string }>(
    `select distinct channel_kind
       from deliveries
      where state = 'pending'
        and next_attempt_at <= $1`,
    [now],
  );
  return rows.map((r) => r.channel_kind);
}

export interface ClaimedDelivery {
  id: number;
  kind: DeliveryKind;
  channel_id: number;
  channel_kind: string;
  check_id: number | null;
  flip_id: number | null;
  status: Direction;
  event_at: Date;
  queued_at: Date;
  /** A Summary, or a DisabledNotice for kind "notice". */
  summary: unknown;
  code: string;
  attempts: number;
  lease_token: string;
  channel_code: string;
  channel_name: string;
  channel_config: unknown;
  channel_disabled: boolean;
  channel_unsubscribe_key: string;
  project_id: number;
}

export interface ClaimOptions {
  kind: string;
  now: Date;
  leaseUntil: Date;
  token: string;
  limit: number;
  /** Channels this process already sends to at its per-channel limit. */
  busyChannels: readonly number[];
  /** Most deliveries of one channel in one claim. */
  perChannel: number;
}

/**
 * Claims up to `limit` due deliveries of one kind, oldest first, with a lease: the due time
 * moves to the lease's end, so if this process dies the row becomes due again then and
 * another engine resends it. A delivery waits while an earlier one for the same check and
 * channel is still pending, so each target hears about a check's flips in order.
 * `skip locked`: concurrent claims by other engines take other rows instead of waiting.
 */
export async function claimDeliveries(db: Queryable, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  // The candidates (the oldest due rows, read along deliveries_due) are read without locks so
  // that a window function can cap each channel's share of one claim (a channel with 1,000
  // queued alerts must not take every seat); they are then locked with skip locked, and the
  // due test is repeated on the locked row because another engine may have claimed it since.
  const { rows } = await db.query<ClaimedDelivery>(
    `with oldest as (
       select d.id, d.channel_id, d.next_attempt_at
         from deliveries d
        where d.state = 'pending'
          and d.channel_kind = $1
          and d.next_attempt_at <= $2
          and d.channel_id <> all($6::int[])
          and not exists (
                select 1
                  from deliveries e
                 where e.check_id = d.check_id
                   and e.channel_id = d.channel_id
                   and e.state = 'pending'
                   and e.id < d.id)
        order by d.next_attempt_at, d.id
        limit $5 * 4
     ), candidates as (
       select id
         from (select id, next_attempt_at,
                      row_number() over (partition by channel_id order by next_attempt_at, id) as rn
                 from oldest) x
        where x.rn <= $7
        order by x.next_attempt_at, x.id
        limit $5
     ), due as (
       select d.id
         from deliveries d
         join candidates using (id)
        where d.state = 'pending'
          and d.next_attempt_at <= $2
        for update of d skip locked
     ), claimed as (
       update deliveries d
          set next_attempt_at = $3,
              lease_token = $4,
              attempts = d.attempts + 1
         from due
        where d.id = due.id
       returning d.id, d.kind, d.channel_id, d.channel_kind, d.check_id, d.flip_id, d.status, d.event_at,
                 d.queued_at, d.summary, d.code, d.attempts, d.lease_token
     )
     select claimed.*, c.code as channel_code, c.name as channel_name, c.config as channel_config,
            c.disabled as channel_disabled, c.unsubscribe_key as channel_unsubscribe_key, c.project_id
       from claimed
       cross join lateral (
              select code, name, config, disabled, unsubscribe_key, project_id
                from channels
               where id = claimed.channel_id
               limit 1) c`,
    [o.kind, o.now, o.leaseUntil, o.token, o.limit, o.busyChannels, o.perChannel],
  );
  return rows.sort((a, b) => a.id - b.id);
}

export interface Outcome {
  id: number;
  /** The delivery's channel (lets the batch statement reach channels by index). */
  channelId: number;
  token: string;
  now: Date;
  durationMs: number;
}

/**
 * Records a successful send: the delivery is sent, the attempt is logged as a notification,
 * and the channel's last_notify is updated. Only the holder of the current lease records;
 * returns false when the lease was lost (expired and claimed again).
 */
export async function recordSent(db: Queryable, o: Outcome): Promise<boolean> {
  return (await recordSentBatch(db, [o])).length === 1;
}

/**
 * recordSent for many deliveries in one statement (the pump batches successes). Returns the
 * ids recorded; the others lost their lease. The channel gets the newest outcome of the batch.
 */
export async function recordSentBatch(db: Queryable, outcomes: readonly Outcome[]): Promise<number[]> {
  if (outcomes.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `with o as (
       select *
         from unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::int[]) as o (id, token, at, duration_ms)
     ), done as (
       update deliveries d
          set state = 'sent',
              sent_at = o.at,
              finished_at = o.at,
              last_error = '',
              lease_token = null
         from o
        where d.id = any($1::bigint[])
          and d.id = o.id
          and d.lease_token = o.token
          and d.state = 'pending'
       returning d.id, d.kind, d.channel_id, d.check_id, d.status, o.at, o.duration_ms
     ), logged as (
       insert into notifications (delivery_id, channel_id, check_id, check_status, created_at, duration_ms, error)
       select id, channel_id, check_id, status, at, duration_ms, ''
         from done
        where kind <> 'notice'
     ), channel as (
       update channels c
          set last_notify = x.at,
              last_notify_duration_ms = x.duration_ms,
              last_error = ''
         from (select distinct on (channel_id) channel_id, at, duration_ms
                 from done
                where kind <> 'notice'
                order by channel_id, at desc) x
        where c.id = any($5::int[])
          and c.id = x.channel_id
     )
     select id from done`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.token),
      outcomes.map((o) => o.now),
      outcomes.map((o) => Math.round(o.durationMs)),
      outcomes.map((o) => o.channelId),
    ],
  );
  return rows.map((r) => r.id);
}

export interface FailureOutcome extends Outcome {
  error: string;
  /** null: give up (permanent error or past the retry horizon). */
  retryAt: Date | null;
}

/** Records a failed attempt like recordSent: retry at `retryAt` or fail for good. False when the lease was lost. */
export async function recordFailure(db: Queryable, o: FailureOutcome): Promise<boolean> {
  const { rows } = await db.query<{ id: number }>(
    `with done as (
       update deliveries
          set state = case when $5::timestamptz is null then 'failed' else 'pending' end,
              next_attempt_at = coalesce($5::timestamptz, next_attempt_at),
              finished_at = case when $5::timestamptz is null then $3::timestamptz end,
              last_error = $6,
              lease_token = null
        where id = $1
          and lease_token = $2
          and state = 'pending'
       returning id, kind, channel_id, check_id, status
     ), logged as (
       insert into notifications (delivery_id, channel_id, check_id, check_status, created_at, duration_ms, error)
       select id, channel_id, check_id, status, $3, $4, $6
         from done
        where kind <> 'notice'
     ), channel as (
       update channels c
          set last_notify = $3,
              last_notify_duration_ms = $4,
              last_error = $6
         from done
        where c.id = done.channel_id
          and done.kind <> 'notice'
     )
     select id from done`,
    [o.id, o.token, o.now, Math.round(o.durationMs), o.retryAt, o.error.slice(0, 1000)],
  );
  return rows.length === 1;
}

/** Ends a claimed delivery without sending (channel disabled, direction now a no-op). */
export async function cancelDelivery(db: Queryable, id: number, token: string, now: Date, reason: string): Promise<void> {
  await db.query(
    `update deliveries
        set state = 'cancelled',
            finished_at = $3,
            last_error = $4,
            lease_token = null
      where id = $1
        and lease_token = $2
        and state = 'pending'`,
    [id, token, now, reason],
  );
}

/** Gives a claim back at shutdown: due again now, and the interrupted attempt does not count. */
export async function releaseDelivery(db: Queryable, id: number, token: string, now: Date): Promise<void> {
  await db.query(
    `update deliveries
        set next_attempt_at = $3,
            lease_token = null,
            attempts = greatest(attempts - 1, 0)
      where id = $1
        and lease_token = $2
        and state = 'pending'`,
    [id, token, now],
  );
}

/**
 * Cancels reminders still waiting for the given checks: a later flip ended their down period,
 * and "still down" after "up" would be a false alert. A reminder being sent right now (lease
 * not expired) is left alone; the later flip's delivery waits for it, so order holds.
 */
export async function cancelPendingReminders(db: Queryable, checkIds: readonly number[], now: Date): Promise<number> {
  if (checkIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `update deliveries
        set state = 'cancelled',
            finished_at = $2,
            last_error = 'superseded by a later flip',
            lease_token = null
      where kind = 'reminder'
        and state = 'pending'
        and check_id = any($1::int[])
        and (lease_token is null or next_attempt_at <= $2)`,
    [checkIds, now],
  );
  return rowCount ?? 0;
}

/** Deletes finished deliveries (and, by cascade, their notifications) older than `before`, up to `limit`. */
export async function pruneDeliveries(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from deliveries
      where id in (
            select id
              from deliveries
             where finished_at < $1
             limit $2)`,
    [before, limit],
  );
  return rowCount ?? 0;
}

