// Builds the stored summaries of a batch of flips or reminders from a few batched queries.
import { graceStart, statusAt } from '../core/status.ts';
import { buildSummary, OTHER_DOWN_LIMIT, type FlipReason, type Summary } from '../core/summary.ts';
import type { Direction } from '../core/selection.ts';
import { downChecksOfProjects, summaryFacts, timingOf, type SummaryFactsRow } from '../db/queries/check-alerts.ts';
import type { Queryable } from '../db/pool.ts';

export interface SummaryRequest {
  checkId: number;
  /** The event's time; the last ping is the latest at or before it. */
  at: Date;
  event: 'flip' | 'reminder';
  status: Direction;
  reason: FlipReason;
  downSince: Date | null;
}

/** One summary per request, in order; null where the check no longer exists. */
export async function buildSummaries(db: Queryable, requests: readonly SummaryRequest[], now: Date): Promise<(Summary | null)[]> {
  if (requests.length === 0) return [];
  const facts = await summaryFacts(db, requests.map((r) => r.checkId), requests.map((r) => r.at));
  const byOrd = new Map(facts.map((row) => [row.ord, row]));
  const projectIds = [...new Set(facts.map((row) => row.project_id))];
  // One more than listed, so that the check itself can be dropped from its own list.
  const down = await downChecksOfProjects(db, projectIds, OTHER_DOWN_LIMIT + 1);
  const downByProject = new Map(down.map((d) => [d.project_id, d]));
  return requests.map((request, i) => {
    const row = byOrd.get(i + 1);
    if (row === undefined) return null;
    const projectDown = downByProject.get(row.project_id);
    const selfIndex = projectDown?.ids.indexOf(row.id) ?? -1;
    const names = (projectDown?.names ?? []).filter((_, j) => j !== selfIndex);
    const total = (projectDown?.total ?? 0) - (row.status === 'down' ? 1 : 0);
    return buildSummary({
      event: request.event,
      status: request.status,
      reason: request.reason,
      at: request.at,
      downSince: request.downSince,
      check: checkFacts(row, now),
      project: { code: row.project_code, name: row.project_name },
      lastPing: pingFacts(row),
      otherDownNames: names,
      otherDownCount: Math.max(total, 0),
    });
  });
}

function checkFacts(row: SummaryFactsRow, now: Date) {
  const timing = timingOf(row);
  return {
    code: row.code,
    name: row.name,
    slug: row.slug,
    tags: row.tags,
    desc: row.description,
    kind: row.kind,
    timeoutSeconds: row.timeout_seconds,
    graceSeconds: row.grace_seconds,
    schedule: row.schedule,
    tz: row.tz,
    nPings: row.n_pings,
    createdAt: row.created_at,
    status: attempt(() => statusAt(timing, now), row.status),
    lastPing: row.last_ping,
    nextPing: attempt(() => graceStart(timing), null),
    started: row.last_start !== null,
    lastDurationSeconds: row.last_duration_ms === null ? null : Math.round(row.last_duration_ms / 1000),
    manualResume: row.manual_resume,
    methods: row.methods,
    startKw: row.start_kw,
    successKw: row.success_kw,
    failureKw: row.failure_kw,
    filterSubject: row.filter_subject,
    filterBody: row.filter_body,
    filterHttpBody: row.filter_http_body,
    filterDefaultFail: row.filter_default_fail,
    badgeKey: row.badge_key,
    channels: row.channels,
  };
}

function pingFacts(row: SummaryFactsRow) {
  if (row.ping_n === null || row.ping_at === null) return null;
  return {
    n: row.ping_n,
    kind: row.ping_kind ?? 'success',
    at: row.ping_at,
    scheme: row.ping_scheme ?? '',
    remoteAddr: row.ping_remote_addr ?? '',
    method: row.ping_method ?? '',
    exitStatus: row.ping_exit_status,
    body: row.ping_body,
  };
}

// A schedule that throws (corrupt data) must not stop the alert: the summary shows the
// stored status and no next ping instead.
function attempt<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch {
    return fallback;
  }
}
