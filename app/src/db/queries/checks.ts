// SQL for the checks table, as the management API uses it. The ping path has its own statements
// (pings.ts); both change a check only while holding its row lock or in one conditional update.
import type { CheckKind, StoredStatus } from '../../core/status.ts';
import type { Queryable } from '../pool.ts';

/** The fields the API writes; everything else belongs to the ping path and the alert engine. */
export interface CheckFields {
  name: string;
  slug: string;
  tags: string;
  description: string;
  kind: CheckKind;
  timeoutSeconds: number;
  graceSeconds: number;
  schedule: string;
  tz: string;
  filterSubject: boolean;
  filterBody: boolean;
  filterHttpBody: boolean;
  filterDefaultFail: boolean;
  startKw: string;
  successKw: string;
  failureKw: string;
  methods: string;
  manualResume: boolean;
}

/** A check as the API reads it, with its channel codes (sorted, comma-joined, as Healthchecks). */
export interface CheckRecord extends CheckFields {
  id: number;
  code: string;
  projectId: number;
  badgeKey: string;
  status: StoredStatus;
  nPings: number;
  lastPing: Date | null;
  lastStart: Date | null;
  lastDurationMs: number | null;
  alertAfter: Date | null;
  channelCodes: string;
}

// The select list shared by every statement that returns a check. Channel codes are ordered
// as uuids, which is the byte order of their lowercase text (Healthchecks sorts the strings).
const CHECK_COLUMNS = `
  c.id, c.code, c.project_id as "projectId", c.name, c.slug, c.tags, c.description, c.kind,
  c.timeout_seconds as "timeoutSeconds", c.grace_seconds as "graceSeconds", c.schedule, c.tz,
  c.filter_subject as "filterSubject", c.filter_body as "filterBody",
  c.filter_http_body as "filterHttpBody", c.filter_default_fail as "filterDefaultFail",
  c.start_kw as "startKw", c.success_kw as "successKw", c.failure_kw as "failureKw",
  c.methods, c.manual_resume as "manualResume", c.badge_key as "badgeKey", c.status,
  c.n_pings as "nPings", c.last_ping as "lastPing", c.last_start as "lastStart",
  c.last_duration_ms as "lastDurationMs", c.alert_after as "alertAfter",
  (select coalesce(string_agg(ch.code::text, ',' order by ch.code), '')
     from check_channels cc
     join channels ch on ch.id = cc.channel_id
    where cc.check_id = c.id) as "channelCodes"`;

/** The project's checks in creation order, optionally only those with exactly `slug`. */
export async function listChecks(db: Queryable, projectId: number, slug: string | null): Promise<CheckRecord[]> {
  const { rows } = await db.query<CheckRecord>(
    `select ${CHECK_COLUMNS}
       from checks c
      where c.project_id = $1
        and ($2::text is null or c.slug = $2)
      order by c.id`,
    [projectId, slug],
  );
  return rows;
}

/** The check with ping UUID `code`, in any project; null when there is none. */
export async function findCheckByCode(db: Queryable, code: string): Promise<CheckRecord | null> {
  const { rows } = await db.query<CheckRecord>(
    `select ${CHECK_COLUMNS}
       from checks c
      where c.code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

/**
 * Locks the check with id `id` until the transaction ends and returns it; null when it was
 * deleted meanwhile. Pings wait for the lock, so what the caller computes stays true.
 */
export async function lockCheck(db: Queryable, id: number): Promise<CheckRecord | null> {
  const { rows } = await db.query<CheckRecord>(
    `select ${CHECK_COLUMNS}
       from checks c
      where c.id = $1
        for update of c`,
    [id],
  );
  return rows[0] ?? null;
}

/** Values a `unique` upsert matches on; null means the field is not part of the match. */
export interface UniqueMatch {
  name: string | null;
  slug: string | null;
  tags: string | null;
  timeoutSeconds: number | null;
  graceSeconds: number | null;
}

/** The oldest check of the project equal to `match` on every non-null field; null when none is. */
export async function findUniqueMatch(db: Queryable, projectId: number, match: UniqueMatch): Promise<CheckRecord | null> {
  const { rows } = await db.query<CheckRecord>(
    `select ${CHECK_COLUMNS}
       from checks c
      where c.project_id = $1
        and ($2::text is null or c.name = $2)
        and ($3::text is null or c.slug = $3)
        and ($4::text is null or c.tags = $4)
        and ($5::integer is null or c.timeout_seconds = $5)
        and ($6::integer is null or c.grace_seconds = $6)
      order by c.id
      limit 1`,
    [projectId, match.name, match.slug, match.tags, match.timeoutSeconds, match.graceSeconds],
  );
  return rows[0] ?? null;
}

/**
 * Serialises check creation per quota holder (the project's owner, else the project) until
 * the transaction ends, so that concurrent creates cannot both pass the check limit.
 */
export async function lockCheckQuota(db: Queryable, ownerId: number | null, projectId: number): Promise<void> {
  // Two key spaces of the two-integer advisory lock: 1 for owners, 2 for ownerless projects.
  await db.query('select pg_advisory_xact_lock($1, $2)', ownerId === null ? [2, projectId] : [1, ownerId]);
}

/** Checks counted against the limit: all of the owner's projects, or this project alone. */
export async function countChecksForQuota(db: Queryable, ownerId: number | null, projectId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::integer as n
       from checks c
       join projects p on p.id = c.project_id
      where ($1::integer is not null and p.owner_id = $1)
         or ($1::integer is null and p.id = $2)`,
    [ownerId, projectId],
  );
  return rows[0]?.n ?? 0;
}

function fieldValues(fields: CheckFields): unknown[] {
  return [
    fields.name, fields.slug, fields.tags, fields.description, fields.kind, fields.timeoutSeconds,
    fields.graceSeconds, fields.schedule, fields.tz, fields.filterSubject, fields.filterBody,
    fields.filterHttpBody, fields.filterDefaultFail, fields.startKw, fields.successKw,
    fields.failureKw, fields.methods, fields.manualResume,
  ];
}

/** Inserts a new check (status new, no pings) and returns it. */
export async function insertCheck(
  db: Queryable,
  check: { code: string; badgeKey: string; projectId: number; createdAt: Date; fields: CheckFields },
): Promise<CheckRecord> {
  const { rows } = await db.query<CheckRecord>(
    `with c as (
       insert into checks (
         name, slug, tags, description, kind, timeout_seconds, grace_seconds, schedule, tz,
         filter_subject, filter_body, filter_http_body, filter_default_fail,
         start_kw, success_kw, failure_kw, methods, manual_resume,
         code, badge_key, project_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
               $19, $20, $21, $22)
       returning *)
     select ${CHECK_COLUMNS}
       from c`,
    [...fieldValues(check.fields), check.code, check.badgeKey, check.projectId, check.createdAt],
  );
  return rows[0]!;
}

/** Writes the API fields and the recomputed deadline of a check the caller has locked. */
export async function updateCheck(db: Queryable, id: number, fields: CheckFields, alertAfter: Date | null): Promise<void> {
  await db.query(
    `update checks
        set name = $1, slug = $2, tags = $3, description = $4, kind = $5, timeout_seconds = $6,
            grace_seconds = $7, schedule = $8, tz = $9, filter_subject = $10, filter_body = $11,
            filter_http_body = $12, filter_default_fail = $13, start_kw = $14, success_kw = $15,
            failure_kw = $16, methods = $17, manual_resume = $18, alert_after = $19
      where id = $20`,
    [...fieldValues(fields), alertAfter, id],
  );
}

/** Stops monitoring a locked check: paused, not running, no deadline. */
export async function pauseCheck(db: Queryable, id: number): Promise<void> {
  await db.query(
    `update checks
        set status = 'paused', last_start = null, alert_after = null
      where id = $1`,
    [id],
  );
}

/** Resumes a locked, paused check as new: no last ping, not running, no deadline. */
export async function resumeCheck(db: Queryable, id: number): Promise<void> {
  await db.query(
    `update checks
        set status = 'new', last_start = null, last_ping = null, alert_after = null
      where id = $1`,
    [id],
  );
}

/**
 * Deletes the check (its pings, flips and channel links cascade). A ping that holds the row
 * lock finishes first; one arriving after finds no check. False when it was already gone.
 */
export async function deleteCheck(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from checks where id = $1', [id]);
  return rowCount === 1;
}

/** Codes of the project's checks, for the read-only unique_key lookup. */
export async function listCheckCodes(db: Queryable, projectId: number): Promise<Array<{ id: number; code: string }>> {
  const { rows } = await db.query<{ id: number; code: string }>(
    `select id, code
       from checks
      where project_id = $1
      order by id`,
    [projectId],
  );
  return rows;
}

/** Ids of the project's checks with the given codes (unknown codes are left out). */
export async function findCheckIdsByCodes(db: Queryable, projectId: number, codes: string[]): Promise<Array<{ id: number; code: string }>> {
  const { rows } = await db.query<{ id: number; code: string }>(
    `select id, code
       from checks
      where project_id = $1
        and code = any($2::uuid[])`,
    [projectId, codes],
  );
  return rows;
}
