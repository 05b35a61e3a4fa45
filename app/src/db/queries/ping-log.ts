// Read-only SQL over the pings table for the management API. The ping path writes and prunes
// pings (pings.ts); this module never does.
import type { Queryable } from '../pool.ts';

export interface LoggedPing {
  n: number;
  /** Microseconds since the epoch: the API prints the time with microseconds, as Healthchecks. */
  createdUs: string;
  kind: 'success' | 'start' | 'fail' | 'log' | 'ign';
  scheme: string;
  remoteAddr: string;
  method: string;
  ua: string;
  rid: string | null;
  bodySize: number;
  durationMs: number | null;
}

/** The check's pings numbered above `afterN`, newest first, at most `limit`; bodies left out. */
export async function listPings(db: Queryable, checkId: number, afterN: number, limit: number): Promise<LoggedPing[]> {
  const { rows } = await db.query<LoggedPing>(
    `select n, (extract(epoch from created_at) * 1000000)::bigint::text as "createdUs", kind, scheme,
            remote_addr as "remoteAddr", method, ua, rid, coalesce(octet_length(body), 0) as "bodySize",
            duration_ms as "durationMs"
       from pings
      where check_id = $1
        and n > $2
      order by n desc
      limit $3`,
    [checkId, afterN, limit],
  );
  return rows;
}

/** The stored body of ping `n` of the check; null when the ping is gone or had no body. */
export async function findPingBody(db: Queryable, checkId: number, n: number): Promise<Buffer | null> {
  const { rows } = await db.query<{ body: Buffer | null }>(
    `select body
       from pings
      where check_id = $1
        and n = $2`,
    [checkId, n],
  );
  return rows[0]?.body ?? null;
}
