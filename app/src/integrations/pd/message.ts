// The exact Events API v2 request of a PagerDuty channel. Pure. A "down" (and each reminder)
// triggers an alert, an "up" resolves it; both carry the check's unique key as dedup_key, so
// they pair up at PagerDuty and a repeated trigger joins the open alert instead of paging again.
import { bodyExcerpt, detailFields, displayName, headline, otherDownText, type Summary } from '../../core/summary.ts';
import { uniqueKey } from '../../core/unique-key.ts';
import type { HttpRequest } from '../http.ts';
import type { Notice } from '../types.ts';
import type { PagerDutyConfig } from './config.ts';

export interface PagerDutySite {
  /** PD_EVENTS_URL. */
  readonly eventsUrl: string;
  /** SITE_NAME: the "client" PagerDuty shows as the alert's origin. */
  readonly siteName: string;
}

// PagerDuty's documented limits: summary 1024 characters, the whole event 512 KB.
export const SUMMARY_LIMIT = 1024;
export const SOURCE_LIMIT = 255;
const BODY_CHARS = 1000;

/** POST <PD_EVENTS_URL>/v2/enqueue with the event as JSON. */
export function pagerDutyRequest(config: PagerDutyConfig, notice: Notice, site: PagerDutySite): HttpRequest {
  return {
    method: 'POST',
    url: `${site.eventsUrl}/v2/enqueue`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(pagerDutyEvent(config, notice, site)),
  };
}

/** The event: "trigger" with the alert's details on down, a bare "resolve" on up. */
export function pagerDutyEvent(config: PagerDutyConfig, notice: Notice, site: PagerDutySite): Record<string, unknown> {
  const { summary } = notice;
  const dedup_key = uniqueKey(summary.check.code);
  if (notice.direction === 'up') return { routing_key: config.routing_key, event_action: 'resolve', dedup_key };
  const payload: Record<string, unknown> = {
    summary: cut(headline(summary, notice.now), SUMMARY_LIMIT),
    source: cut(displayName(summary), SOURCE_LIMIT),
    severity: config.severity,
    timestamp: summary.at,
  };
  if (summary.project.name) payload.group = summary.project.name;
  payload.custom_details = customDetails(summary, notice.now);
  return { routing_key: config.routing_key, event_action: 'trigger', dedup_key, payload, client: site.siteName };
}

/** The details shown on the alert, labelled as in every other notification. */
export function customDetails(summary: Summary, now: Date): Record<string, string> {
  const details: Record<string, string> = {};
  if (summary.check.desc.trim()) details.Description = summary.check.desc.trim();
  for (const [label, value] of detailFields(summary, now)) details[label] = value;
  const others = otherDownText(summary);
  if (others !== null) details['Other checks'] = others;
  const body = bodyExcerpt(summary, BODY_CHARS);
  if (body !== null) details['Last ping body'] = body;
  return details;
}

function cut(text: string, limit: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : chars.join('');
}
