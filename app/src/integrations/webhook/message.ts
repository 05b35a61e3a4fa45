// The exact HTTP request a webhook channel makes for a notice. Pure: the same notice and
// settings always give the same request, which the tests compare byte for byte.
import type { Summary } from '../../core/summary.ts';
import type { HttpRequest } from '../http.ts';
import { isoSeconds, latin1ForHeader, quoteForUrl, substitute } from '../placeholders.ts';
import type { Notice } from '../types.ts';
import type { WebhookSpec } from './config.ts';

/** Where URLs in $JSON point: the site and the ping endpoint (from the configuration). */
export interface Site {
  readonly siteRoot: string;
  readonly pingEndpoint: string;
}

/** The header carrying the delivery's idempotency key, the same on every retry. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * The request for `notice`. Placeholders are URL-quoted in the URL, raw in the body (where
 * $BODY and $BODY_JSON are also available) and latin-1-safe in headers. The body is sent only
 * with POST and PUT, as in Healthchecks.
 */
export function webhookRequest(spec: WebhookSpec, notice: Notice, site: Site): HttpRequest {
  const values = placeholderValues(notice.summary, notice.direction, site);
  const quoted = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, quoteUnlessSafe(k, v)]));
  const url = substitute(spec.url, quoted);
  const headers: Record<string, string> = { [IDEMPOTENCY_HEADER]: notice.code };
  for (const [name, template] of Object.entries(spec.headers)) {
    // A value from a check name may hold a line break; in a header it would end the header.
    headers[name] = latin1ForHeader(substitute(template, values).replace(/[\r\n\0]+/g, ' '));
  }
  const sendsBody = spec.method === 'POST' || spec.method === 'PUT';
  const body = sendsBody && spec.body ? substitute(spec.body, { ...values, ...bodyValues(notice.summary) }) : null;
  return { method: spec.method, url, headers, body };
}

/** Healthchecks' webhook placeholders, except the body-only ones. */
export function placeholderValues(summary: Summary, direction: string, site: Site): Record<string, string> {
  const tags = summary.check.tags.split(' ').filter(Boolean);
  const values: Record<string, string> = {
    $CODE: summary.check.code,
    $STATUS: direction,
    $NOW: isoSeconds(summary.at),
    $NAME_JSON: JSON.stringify(summary.check.name),
    $NAME: summary.check.name,
    $SLUG: summary.check.slug,
    $TAGS: summary.check.tags,
    $JSON: JSON.stringify(checkJson(summary, site)),
    $EXITSTATUS: String(summary.lastPing?.exitStatus ?? -1),
  };
  tags.forEach((tag, i) => {
    values[`$TAG${i + 1}`] = tag;
  });
  return values;
}

function bodyValues(summary: Summary): Record<string, string> {
  const body = summary.lastPing?.body ?? '';
  return { $BODY: body, $BODY_JSON: JSON.stringify(body) };
}

// Healthchecks quotes every value but these in URLs.
function quoteUnlessSafe(name: string, value: string): string {
  return name === '$CODE' || name === '$STATUS' || name === '$SLUG' ? value : quoteForUrl(value);
}

/** The check as API v3 shows it to a read-write key (Healthchecks' Check.to_dict()), for $JSON. */
export function checkJson(summary: Summary, site: Site): Record<string, unknown> {
  const c = summary.check;
  const updateUrl = `${site.siteRoot}/api/v3/checks/${c.code}`;
  const json: Record<string, unknown> = {
    name: c.name,
    slug: c.slug,
    tags: c.tags,
    desc: c.desc,
    grace: c.graceSeconds,
    n_pings: c.nPings,
    status: c.status,
    started: c.started,
    last_ping: c.lastPing === null ? null : isoSeconds(c.lastPing),
    next_ping: c.nextPing === null ? null : isoSeconds(c.nextPing),
    manual_resume: c.manualResume,
    methods: c.methods,
    subject: c.filterSubject ? c.successKw : '',
    subject_fail: c.filterSubject ? c.failureKw : '',
    start_kw: c.startKw,
    success_kw: c.successKw,
    failure_kw: c.failureKw,
    filter_subject: c.filterSubject,
    filter_body: c.filterBody,
    filter_http_body: c.filterHttpBody,
    filter_default_fail: c.filterDefaultFail,
    badge_url: `${site.siteRoot}/b/2/${c.badgeKey}.svg`,
  };
  if (c.lastDurationSeconds) json.last_duration = c.lastDurationSeconds;
  Object.assign(json, {
    uuid: c.code,
    ping_url: `${site.pingEndpoint}${c.code}`,
    update_url: updateUrl,
    pause_url: `${updateUrl}/pause`,
    resume_url: `${updateUrl}/resume`,
    channels: c.channels.join(','),
  });
  if (c.kind === 'simple') json.timeout = c.timeoutSeconds;
  else Object.assign(json, { schedule: c.schedule, tz: c.tz });
  return json;
}
