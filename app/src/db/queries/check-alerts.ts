// Statements on `checks` for the alert engine: the deadline scan and the facts a notification reports.
import type pg from 'pg';
import type { CheckKind, CheckTiming, StoredStatus } from '../../core/status.ts';
import type { PingKind } from '../../core/summary.ts';
import type { Queryable } from '../pool.ts';

/** The columns the status rules read (core/status.ts CheckTiming). */
export interface TimingColumns {
  kind: CheckKind;
  timeout_seconds: number;
  grace_seconds: number;
  schedule: string;
  tz: string;
  status: StoredStatus;
  last_ping: Date | null;
  last_start: Date | null;
}

export function timingOf(row: TimingColumns): CheckTiming {
  return {
    kind: row.kind,
    timeoutSeconds: row.timeout_seconds,
    graceSeconds: row.grace_seconds,
    schedule: row.schedule,
    tz: row.tz,
    status: row.status,
    lastPing: row.last_ping,
    lastStart: row.last_start,
  };
}

export interface OverdueCheckRow extends TimingColumns {
  id: number;
  code: string;
  alert_after: Date;
}

/**
 * Locks up to `limit` checks whose alert_after has passed, oldest deadline first (index
 * checks_alert_after). `skip locked`: several engines take disjoint sets, and a check being
 * pinged right now is left for the next pass instead of waiting for the ping's transaction.
 * Must run inside a transaction; the locks hold until it ends.
 */
export async function lockOverdueChecks(client: pg.PoolClient, now: Date, limit: number): Promise<OverdueCheckRow[]> {
  const { rows } = await client.query<OverdueCheckRow>(
    `select id, code, kind, timeout_seconds, grace_seconds, schedule, tz, status, last_ping, last_start, alert_after
       from checks
      where alert_after <= $1
      order by alert_after
      limit $2
      for update skip locked`,
    [now, limit],
  );
  return rows;
}

/** Ids of overdue checks without locking them: the one-by-one fallback after a failed batch. */
export async function overdueCheckIds(db: Queryable, now: Date, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `select id
       from checks
      where alert_after <= $1
      order by alert_after
      limit $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/** Locks one overdue check by id; null when it is locked elsewhere or no longer overdue. */
export async function lockOverdueCheck(client: pg.PoolClient, id: number, now: Date): Promise<OverdueCheckRow | null> {
  const { rows } = await client.query<OverdueCheckRow>(
    `select id, code, kind, timeout_seconds, grace_seconds, schedule, tz, status, last_ping, last_start, alert_after
       from checks
      where id = $1
        and alert_after <= $2
      for update skip locked`,
    [id, now],
  );
  return rows[0] ?? null;
}

export interface DownTransition {
  id: number;
  oldStatus: StoredStatus;
  flipAt: Date;
}

/**
 * Stores "down" on the given checks and writes one timeout flip each, dated at the computed
 * deadline. Conditional on the status read (as Healthchecks' handle_going_down): with the
 * rows locked by lockOverdueChecks it always holds, and it keeps the statement safe on its own.
 * Returns the ids of the checks that went down.
 */
export async function markChecksDown(client: pg.PoolClient, transitions: readonly DownTransition[]): Promise<number[]> {
  if (transitions.length === 0) return [];
  const { rows } = await client.query<{ check_id: number }>(
    `with decided as (
       select *
         from unnest($1::int[], $2::text[], $3::timestamptz[]) as d (id, old_status, flip_at)
     ), down as (
       update checks c
          set status = 'down',
              alert_after = null
         from decided d
        where c.id = any($1::int[])
          and c.id = d.id
          and c.status = d.old_status
       returning c.id, d.old_status, d.flip_at
     )
     insert into flips (check_id, created_at, old_status, new_status, reason)
     select id, flip_at, old_status, 'down', 'timeout'
       from down
      order by id
     returning check_id`,
    [transitions.map((t) => t.id), transitions.map((t) => t.oldStatus), transitions.map((t) => t.flipAt)],
  );
  return rows.map((r) => r.check_id);
}

/** Moves alert_after of each check to the given time (null: the check cannot go down now). */
export async function setAlertAfter(db: Queryable, ids: readonly number[], alertAfter: readonly (Date | null)[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update checks c
        set alert_after = d.alert_after
       from unnest($1::int[], $2::timestamptz[]) as d (id, alert_after)
      where c.id = any($1::int[])
        and c.id = d.id`,
    [ids, alertAfter],
  );
}

/** Pushes one check's deadline forward unconditionally: the last resort for a check that breaks the scan. */
export async function pushAlertAfter(db: Queryable, id: number, alertAfter: Date): Promise<void> {
  await db.query(
    `update checks
        set alert_after = $2
      where id = $1
        and alert_after is not null`,
    [id, alertAfter],
  );
}

export interface SummaryFactsRow extends TimingColumns {
  ord: number;
  id: number;
  code: string;
  project_id: number;
  name: string;
  slug: string;
  tags: string;
  description: string;
  n_pings: number;
  created_at: Date;
  last_duration_ms: number | null;
  manual_resume: boolean;
  methods: string;
  start_kw: string;
  success_kw: string;
  failure_kw: string;
  filter_subject: boolean;
  filter_body: boolean;
  filter_http_body: boolean;
  filter_default_fail: boolean;
  badge_key: string;
  project_code: string;
  project_name: string;
  channels: string[];
  ping_n: number | null;
  ping_kind: PingKind | null;
  ping_at: Date | null;
  ping_scheme: string | null;
  ping_remote_addr: string | null;
  ping_method: string | null;
  ping_exit_status: number | null;
  ping_body: Buffer | null;
}

/**
 * For each (check, time) pair: the check, its project, its channels' codes and the last ping
 * at or before that time (Healthchecks' Transport.last_ping). Rows come back with `ord`, the
 * 1-based position of the pair; pairs whose check no longer exists are absent.
 */
export async function summaryFacts(db: Queryable, checkIds: readonly number[], times: readonly Date[]): Promise<SummaryFactsRow[]> {
  if (checkIds.length === 0) return [];
  const { rows } = await db.query<SummaryFactsRow>(
    `select i.ord::int as ord, c.id, c.code, c.project_id, c.name, c.slug, c.tags, c.description, c.kind,
            c.timeout_seconds, c.grace_seconds, c.schedule, c.tz, c.status, c.n_pings, c.created_at,
            c.last_ping, c.last_start, c.last_duration_ms, c.manual_resume, c.methods, c.start_kw,
            c.success_kw, c.failure_kw, c.filter_subject, c.filter_body, c.filter_http_body,
            c.filter_default_fail, c.badge_key, p.code as project_code, p.name as project_name,
            array(select ch.code::text
                    from check_channels cc
                    join channels ch on ch.id = cc.channel_id
                   where cc.check_id = c.id
                   order by 1) as channels,
            lp.n as ping_n, lp.kind as ping_kind, lp.created_at as ping_at, lp.scheme as ping_scheme,
            lp.remote_addr as ping_remote_addr, lp.method as ping_method,
            lp.exit_status as ping_exit_status, lp.body as ping_body
       from unnest($1::int[], $2::timestamptz[]) with ordinality as i (check_id, at, ord)
       cross join lateral (
              select *
                from checks
               where id = i.check_id
               limit 1) c
       join projects p on p.id = c.project_id
       left join lateral (
              select n, kind, created_at, scheme, remote_addr, method, exit_status, body
                from pings
               where check_id = c.id
                 and created_at <= i.at
               order by n desc
               limit 1) lp on true`,
    [checkIds, times],
  );
  return rows;
}

export interface DownChecksRow {
  project_id: number;
  /** Up to `limit` down checks, by name. */
  ids: number[];
  names: string[];
  total: number;
}

/**
 * The down checks of each project: the first `limit` by name and how many there are. One
 * statement per batch of flips, not per flip: a project with 10,000 checks down at once
 * would otherwise be counted 10,000 times (index checks_project_down).
 */
export async function downChecksOfProjects(db: Queryable, projectIds: readonly number[], limit: number): Promise<DownChecksRow[]> {
  if (projectIds.length === 0) return [];
  const { rows } = await db.query<DownChecksRow>(
    `select p.id as project_id,
            coalesce(d.ids, '{}') as ids,
            coalesce(d.names, '{}') as names,
            coalesce(d.total, 0)::int as total
       from unnest($1::int[]) as p (id)
       left join lateral (
              select array_agg(x.id order by x.rn) filter (where x.rn <= $2) as ids,
                     array_agg(x.name order by x.rn) filter (where x.rn <= $2) as names,
                     count(*) as total
                from (select id, coalesce(nullif(name, ''), code::text) as name,
                             row_number() over (order by name, id) as rn
                        from checks
                       where project_id = p.id
                         and status = 'down') x) d on true`,
    [projectIds, limit],
  );
  return rows;
}
