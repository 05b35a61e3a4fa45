// The only place a check becomes JSON: Healthchecks' Check.to_dict, keys in its order.
import type { Config } from '../../../config.ts';
import { uniqueKey } from '../../../core/unique-key.ts';
import { ScheduleError } from '../../../core/schedule/index.ts';
import { graceStart, statusAt, type CheckTiming, type Status } from '../../../core/status.ts';
import type { CheckRecord } from '../../../db/queries/checks.ts';
import type { ApiVersion } from '../endpoint.ts';

/** Healthchecks' isostring(): seconds precision, `+00:00`; null stays null. */
export function isoSeconds(date: Date | null): string | null {
  return date === null ? null : `${date.toISOString().slice(0, 19)}+00:00`;
}

function timing(check: CheckRecord): CheckTiming {
  return {
    kind: check.kind,
    timeoutSeconds: check.timeoutSeconds,
    graceSeconds: check.graceSeconds,
    schedule: check.schedule,
    tz: check.tz,
    status: check.status,
    lastPing: check.lastPing,
    lastStart: check.lastStart,
  };
}

/**
 * Status and next expected ping at `now`. A stored schedule the engine refuses (only possible
 * for rows written before it could parse them) counts as never due, rather than failing the
 * whole listing: the stored status shows, and only a running start can time out.
 */
function computed(check: CheckRecord, now: Date, withStarted: boolean): { status: Status; nextPing: Date | null } {
  try {
    return { status: statusAt(timing(check), now, { withStarted }), nextPing: graceStart(timing(check)) };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const start = check.lastStart;
    const overdue = start !== null && now.getTime() >= start.getTime() + check.graceSeconds * 1000;
    const status: Status = overdue ? 'down' : start !== null && withStarted ? 'started' : check.status;
    return { status, nextPing: start !== null && check.status !== 'down' ? start : null };
  }
}

export interface PresentOptions {
  readonly: boolean;
  version: ApiVersion;
  config: Config;
  now: Date;
}

/** The check as the API shows it to a key (read-only keys get unique_key and no URLs). */
export function presentCheck(check: CheckRecord, options: PresentOptions): Record<string, unknown> {
  const { config, version } = options;
  const { status, nextPing } = computed(check, options.now, version === 1);
  const result: Record<string, unknown> = {
    name: check.name,
    slug: check.slug,
    tags: check.tags,
    desc: check.description,
    grace: check.graceSeconds,
    n_pings: check.nPings,
    status,
    started: check.lastStart !== null,
    last_ping: isoSeconds(check.lastPing),
    next_ping: isoSeconds(nextPing),
    manual_resume: check.manualResume,
    methods: check.methods,
    subject: check.filterSubject ? check.successKw : '',
    subject_fail: check.filterSubject ? check.failureKw : '',
    start_kw: check.startKw,
    success_kw: check.successKw,
    failure_kw: check.failureKw,
    filter_subject: check.filterSubject,
    filter_body: check.filterBody,
    filter_http_body: check.filterHttpBody,
    filter_default_fail: check.filterDefaultFail,
    badge_url: `${config.siteRoot}/b/2/${check.badgeKey}.svg`,
  };
  // Healthchecks omits a zero or unknown duration and truncates to whole seconds.
  if (check.lastDurationMs) result.last_duration = Math.trunc(check.lastDurationMs / 1000);
  if (options.readonly) {
    result.unique_key = uniqueKey(check.code);
  } else {
    const updateUrl = `${config.siteRoot}/api/v${version}/checks/${check.code}`;
    result.uuid = check.code;
    result.ping_url = `${config.pingEndpoint}${check.code}`;
    result.update_url = updateUrl;
    result.pause_url = `${updateUrl}/pause`;
    result.resume_url = `${updateUrl}/resume`;
    result.channels = check.channelCodes;
  }
  if (check.kind === 'simple') {
    result.timeout = check.timeoutSeconds;
  } else {
    result.schedule = check.schedule;
    result.tz = check.tz;
  }
  return result;
}
