// The pieces chat-like integrations (Slack and its kin, Microsoft Teams, Telegram, ntfy,
// Gotify) lay out, each in its own markup: a title, the sentence after it, Healthchecks' list
// of facts, the other checks that are down, and the ping body clipped as Healthchecks clips it
// for chat. The words come from core/summary.ts; only the layout differs per integration.
import {
  bodyExcerpt,
  displayName,
  downDurationSeconds,
  formatAgo,
  formatDuration,
  OTHER_DOWN_LIMIT,
  pingKindText,
  reasonText,
  type Summary,
} from '../core/summary.ts';

/** Healthchecks clips the ping body in chat messages at 1000 characters. */
export const CHAT_BODY_CHARS = 1000;

/** Where a message's link points. */
export interface SiteLinks {
  readonly siteRoot: string;
  readonly siteName: string;
}

/**
 * The link attached to a check's name. Healthchecks links to the check's page; Cronwarden has
 * no check page yet, so links open the site. This is the one place to change when it has one.
 */
export function checkLink(_summary: Summary, site: SiteLinks): string {
  return `${site.siteRoot}/`;
}

/** `“Backups” is DOWN.`, `“Backups” is UP.`, and for reminders `“Backups” is still DOWN.` */
export function statusTitle(summary: Summary): string {
  return `“${displayName(summary)}” is ${statusPhrase(summary)}.`;
}

/** ` (received a failure signal)` after a down flip's status; '' for up flips, reminders and unknown reasons. */
export function reasonSuffix(summary: Summary): string {
  if (summary.status !== 'down' || summary.event === 'reminder') return '';
  const reason = reasonText(summary.reason);
  return reason === null ? '' : ` (${reason})`;
}

/** The sentence after an up flip or a reminder's status (downtime, time down); null otherwise or when unknown. */
export function afterStatus(summary: Summary, now: Date): string | null {
  return summary.status === 'up' || summary.event === 'reminder' ? statusDetail(summary, now) : null;
}

/** `DOWN`, `UP` or, for a reminder, `still DOWN`. */
export function statusPhrase(summary: Summary): string {
  return `${summary.event === 'reminder' ? 'still ' : ''}${summary.status.toUpperCase()}`;
}

/**
 * The sentence after the title: `Reason: received a failure signal.` for a down flip,
 * `The downtime lasted 2 hours.` for an up flip, `It has been down for 3 hours.` for a
 * reminder; null when the reason or the downtime is unknown.
 */
export function statusDetail(summary: Summary, now: Date): string | null {
  const down = downDurationSeconds(summary, now);
  if (summary.event === 'reminder') return down === null ? null : `It has been down for ${formatDuration(down)}.`;
  if (summary.status === 'up') return down === null ? null : downtimeSentence(down);
  const reason = reasonText(summary.reason);
  return reason === null ? null : `Reason: ${reason}.`;
}

/** `The downtime lasted 1 hour 30 minutes.` */
export function downtimeSentence(seconds: number): string {
  return `The downtime lasted ${formatDuration(seconds)}.`;
}

/** One of Healthchecks' facts; `kind` says how a layout should mark it up. */
export type ChatFact =
  | { readonly kind: 'text'; readonly label: 'Project' | 'Period' | 'Time Zone' | 'Total Pings' | 'Last Ping'; readonly value: string }
  | { readonly kind: 'tags'; readonly label: 'Tags'; readonly value: readonly string[] }
  | { readonly kind: 'schedule'; readonly label: 'Schedule'; readonly value: string };

/** Project, Tags, Period (or Schedule and Time Zone), Total Pings and Last Ping, in that order. */
export function chatFacts(summary: Summary, now: Date): ChatFact[] {
  const facts: ChatFact[] = [];
  if (summary.project.name) facts.push({ kind: 'text', label: 'Project', value: summary.project.name });
  const tags = summary.check.tags.split(/\s+/).filter(Boolean);
  if (tags.length > 0) facts.push({ kind: 'tags', label: 'Tags', value: tags });
  if (summary.check.kind === 'simple') {
    facts.push({ kind: 'text', label: 'Period', value: formatDuration(summary.check.timeoutSeconds) });
  } else {
    facts.push({ kind: 'schedule', label: 'Schedule', value: summary.check.schedule });
    facts.push({ kind: 'text', label: 'Time Zone', value: summary.check.tz });
  }
  facts.push({ kind: 'text', label: 'Total Pings', value: String(summary.lastPing?.n ?? 0) });
  facts.push({ kind: 'text', label: 'Last Ping', value: lastPingText(summary, now) });
  return facts;
}

/** `Success, 10 minutes ago`, `Exit status 3, 2 hours ago`, or `Never`. */
export function lastPingText(summary: Summary, now: Date): string {
  const ping = summary.lastPing;
  return ping === null ? 'Never' : `${pingKindText(ping)}, ${formatAgo(ping.at, now)}`;
}

/** The other down checks: a heading and up to OTHER_DOWN_LIMIT names (none beyond it); null when none. */
export function otherDownList(summary: Summary): { heading: string; names: readonly string[] } | null {
  const { names, count } = summary.otherDown;
  if (count === 0) return null;
  const also = summary.status === 'down' && summary.event !== 'reminder' ? 'also' : 'still';
  if (count > OTHER_DOWN_LIMIT || names.length === 0) return { heading: `${count} other checks are ${also} down.`, names: [] };
  return { heading: `The following checks are ${also} down:`, names };
}

/** The end of the last ping's body, at most CHAT_BODY_CHARS, marked when cut; null without one. */
export function chatBody(summary: Summary): string | null {
  return bodyExcerpt(summary, CHAT_BODY_CHARS);
}

/** The facts as Markdown lines (`**Project:** Infra`), values escaped, the schedule as code. */
export function markdownFacts(summary: Summary, now: Date): string[] {
  return chatFacts(summary, now).map((fact) => {
    const value = fact.kind === 'tags' ? fact.value.map(escapeMarkdown).join(', ') : fact.kind === 'schedule' ? `\`${fact.value}\`` : escapeMarkdown(fact.value);
    return `**${fact.label}:** ${value}`;
  });
}

/** Backslash before the characters that start Markdown emphasis, code, links or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>~|]/g, (c) => `\\${c}`);
}
