// The ping path's one statement, and reads of the pings table.
import type { Queryable } from '../pool.ts';

/** What cw_ping() answers (db/migrations/0002_ping.sql); the HTTP handler maps it to a status. */
export type PingOutcome = 'OK' | 'Created' | 'not found' | 'ambiguous slug' | 'invalid url format' | 'invalid uuid format';

/** A guess of the check's schedule and its next fire time after the ping, made from an earlier ping. */
export interface ScheduleCandidate {
  kind: string;
  expression: string;
  tz: string;
  /** The first fire time after the ping's time; null when the schedule never fires again. */
  next: Date | null;
}

export interface PingRecord {
  /** UUID form; the slug form gives pingKey and slug instead. */
  code: string | null;
  pingKey: string | null;
  slug: string | null;
  /** ?create=1 on the slug form. */
  create: boolean;
  /** Auto-provisioning stops when the owner (or the ownerless project) has this many checks. */
  createLimit: number;
  /** A 400 to report once the check is found (core/ping.ts requestError). */
  requestError: string | null;
  /** The URL's action, exit status already folded in ('fail' for 1..255). */
  action: 'success' | 'start' | 'fail' | 'log';
  exitStatus: number | null;
  rid: string | null;
  now: Date;
  remoteAddr: string;
  scheme: string;
  method: string;
  ua: string;
  /** Already truncated to PING_BODY_LIMIT. */
  body: Buffer;
  hasConfirmationLink: boolean;
  logLimit: number;
  schedule: ScheduleCandidate | null;
}

export interface PingResult {
  outcome: PingOutcome;
  /** The check's schedule fields, when a check was found. */
  check: { kind: string; schedule: string; tz: string } | null;
}

interface PingRow {
  o_ordinal: number;
  o_outcome: PingOutcome;
  o_kind: string | null;
  o_schedule: string | null;
  o_tz: string | null;
}

// A named statement: each connection parses and plans it once, then only binds and runs it.
const RECORD_PINGS_SQL = `select o_ordinal, o_outcome, o_kind, o_schedule, o_tz
  from cw_ping($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`;

/** cw_ping's arguments for one ping, in order (5 and 17, the limits, are shared by a batch). */
function pingValues(ping: PingRecord): unknown[] {
  return [
    ping.code,
    ping.pingKey,
    ping.slug,
    ping.create,
    ping.createLimit,
    ping.requestError,
    ping.action,
    ping.exitStatus,
    ping.rid,
    ping.now,
    ping.remoteAddr,
    ping.scheme,
    ping.method,
    ping.ua,
    ping.body.length > 0 ? ping.body : null,
    ping.hasConfirmationLink,
    ping.logLimit,
    ping.schedule?.kind ?? null,
    ping.schedule?.expression ?? null,
    ping.schedule?.tz ?? null,
    ping.schedule?.next ?? null,
  ];
}

function toResult(row: PingRow): PingResult {
  const check = row.o_kind !== null && row.o_schedule !== null && row.o_tz !== null
    ? { kind: row.o_kind, schedule: row.o_schedule, tz: row.o_tz }
    : null;
  return { outcome: row.o_outcome, check };
}

/**
 * Records pings and applies them to their checks (see cw_ping() for the rules): one statement,
 * one transaction and one round trip for all of them, each ping applied as if it came alone,
 * in the order given. Results are in the order of `pings`. All are committed or none: after an
 * error nothing was recorded. Run it on the pool, not inside a transaction: in autocommit the
 * promise resolves only after the commit, which is what allows the caller to acknowledge.
 * createLimit and logLimit are taken from the first ping.
 */
export async function recordPings(db: Queryable, pings: readonly PingRecord[]): Promise<PingResult[]> {
  const first = pings[0];
  if (!first) return [];
  // One array per argument of cw_ping, except the two limits.
  const perPing = pings.map(pingValues);
  const values: unknown[] = pingValues(first).map((_, index) => perPing.map((v) => v[index]));
  values[4] = first.createLimit;
  values[16] = first.logLimit;
  const { rows } = await db.query<PingRow>({ name: 'cw_ping', text: RECORD_PINGS_SQL, values });
  const results = new Map(rows.map((row) => [row.o_ordinal, toResult(row)]));
  return pings.map((_, index) => {
    const result = results.get(index + 1);
    if (!result) throw new Error(`cw_ping gave no answer for ping ${index + 1} of ${pings.length}`);
    return result;
  });
}

/** Records one ping: recordPings with a batch of one. */
export async function recordPing(db: Queryable, ping: PingRecord): Promise<PingResult> {
  const [result] = await recordPings(db, [ping]);
  if (!result) throw new Error('cw_ping gave no answer');
  return result;
}
