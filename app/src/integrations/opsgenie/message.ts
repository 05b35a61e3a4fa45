// The exact Opsgenie request of a channel for a notice. Pure. A "down" (and each reminder)
// creates an alert whose alias is the check's unique key; an "up" closes the alert with that
// alias. While the alert is open, Opsgenie folds a create with the same alias into it (its
// count goes up), so reminders and resends never open a second alert.
import { detailFields, displayName, headline, otherDownText, plainText, type Summary } from '../../core/summary.ts';
import { uniqueKey } from '../../core/unique-key.ts';
import type { HttpRequest } from '../http.ts';
import type { Notice } from '../types.ts';
import type { OpsgenieConfig } from './config.ts';

export interface OpsgenieSite {
  /** OPSGENIE_US_API_URL and OPSGENIE_EU_API_URL. */
  readonly apiUrls: { readonly us: string; readonly eu: string };
  /** SITE_NAME, the alert's source. */
  readonly siteName: string;
}

// Opsgenie's documented field limits (longer values are refused with 422).
export const LIMITS = { message: 130, description: 15_000, entity: 512, source: 100, note: 25_000, tags: 20, tag: 50 } as const;
const BODY_CHARS = 1000;

/** Create on down, close by alias on up, authenticated with the channel's key. */
export function opsgenieRequest(config: OpsgenieConfig, notice: Notice, site: OpsgenieSite): HttpRequest {
  const alerts = `${site.apiUrls[config.region]}/v2/alerts`;
  const headers = { Authorization: `GenieKey ${config.key}`, 'Content-Type': 'application/json' };
  const alias = uniqueKey(notice.summary.check.code);
  if (notice.direction === 'up') {
    const body = { source: cut(site.siteName, LIMITS.source), note: cut(headline(notice.summary, notice.now), LIMITS.note) };
    return { method: 'POST', url: `${alerts}/${alias}/close?identifierType=alias`, headers, body: JSON.stringify(body) };
  }
  return { method: 'POST', url: alerts, headers, body: JSON.stringify(createAlert(notice, site, alias)) };
}

function createAlert(notice: Notice, site: OpsgenieSite, alias: string): Record<string, unknown> {
  const { summary, now } = notice;
  return {
    message: cut(headline(summary, now), LIMITS.message),
    alias,
    description: cut(plainText(summary, now, { bodyChars: BODY_CHARS }), LIMITS.description),
    tags: tags(summary),
    details: details(summary, now),
    entity: cut(displayName(summary), LIMITS.entity),
    source: cut(site.siteName, LIMITS.source),
  };
}

/** The check's tags, as many and as long as Opsgenie takes. */
export function tags(summary: Summary): string[] {
  return summary.check.tags.split(/\s+/).filter(Boolean).slice(0, LIMITS.tags).map((tag) => cut(tag, LIMITS.tag));
}

function details(summary: Summary, now: Date): Record<string, string> {
  const fields: Record<string, string> = Object.fromEntries(detailFields(summary, now));
  const others = otherDownText(summary);
  if (others !== null) fields['Other checks'] = others;
  return fields;
}

function cut(text: string, limit: number): string {
  const chars = [...text];
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : text;
}
