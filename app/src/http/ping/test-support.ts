// Helpers shared by the ping endpoint's tests: reading back what a ping left in the database.
import type { Queryable } from '../../db/pool.ts';
import type { PingRecord } from '../../db/queries/pings.ts';

export interface PingRowRead {
  n: number;
  created_at: Date;
  kind: string;
  scheme: string;
  remote_addr: string;
  method: string;
  ua: string;
  body: Buffer | null;
  rid: string | null;
  exit_status: number | null;
  duration_ms: number | null;
}

export interface FlipRowRead {
  created_at: Date;
  old_status: string;
  new_status: string;
  reason: string;
  processed_at: Date | null;
}

/** The check's row by id (every column). */
export async function readCheck(db: Queryable, checkId: number): Promise<Record<string, unknown>> {
  const { rows } = await db.query('select * from checks where id = $1', [checkId]);
  if (!rows[0]) throw new Error(`no check ${checkId}`);
  return rows[0] as Record<string, unknown>;
}

/** The check's pings, oldest first. */
export async function readPings(db: Queryable, checkId: number): Promise<PingRowRead[]> {
  const { rows } = await db.query<PingRowRead>(
    `select n, created_at, kind, scheme, remote_addr, method, ua, body, rid, exit_status, duration_ms
       from pings where check_id = $1 order by n`,
    [checkId],
  );
  return rows;
}

/** The check's flips, oldest first. */
export async function readFlips(db: Queryable, checkId: number): Promise<FlipRowRead[]> {
  const { rows } = await db.query<FlipRowRead>(
    'select created_at, old_status, new_status, reason, processed_at from flips where check_id = $1 order by id',
    [checkId],
  );
  return rows;
}

/** Columns as JSON-comparable values: dates as ISO strings, buffers as hex. */
export function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : v]),
  );
}

/** The never-cache headers every ping response carries, as Django's never_cache sets them. */
export const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

/** A ping as the handler would pass it to the database: a POST success to `code` at noon, 2026-01-15. */
export function pingRecord(code: string | null, fields: Partial<PingRecord> = {}): PingRecord {
  return {
    code,
    pingKey: null,
    slug: null,
    create: false,
    createLimit: 100,
    requestError: null,
    action: 'success',
    exitStatus: null,
    rid: null,
    now: new Date('2026-01-15T12:00:00Z'),
    remoteAddr: '192.0.2.1',
    scheme: 'http',
    method: 'POST',
    ua: 'test',
    body: Buffer.from('hello'),
    hasConfirmationLink: false,
    logLimit: 100,
    schedule: null,
    ...fields,
  };
}
