// What every notification says, in one place: the check, its new status and why, the last
// ping and its body, how long the check was down, and which other checks of the project are
// down. The summary is built once per flip (or reminder) when the engine queues it and stored
// with the delivery, so every retry sends the same facts; integrations only lay it out.
import type { Direction } from './selection.ts';
import type { CheckKind, StoredStatus } from './status.ts';

/** Longest ping body kept in a summary: the end of it, as Healthchecks' emails show. */
export const BODY_LIMIT = 10_000;
/** Other down checks listed by name; beyond this only their number is given. */
export const OTHER_DOWN_LIMIT = 10;

export type FlipReason = '' | 'timeout' | 'fail';
export type PingKind = 'success' | 'start' | 'fail' | 'log' | 'ign';

/** A serialisable summary (stored as jsonb): dates are ISO strings. */
export interface Summary {
  readonly event: 'flip' | 'reminder' | 'test';
  readonly status: Direction;
  readonly reason: FlipReason;
  /** When the status changed (or, for a reminder, when it was due). */
  readonly at: string;
  /** For up flips and reminders: when the check went down; null when unknown. */
  readonly downSince: string | null;
  readonly check: SummaryCheck;
  readonly project: { readonly code: string; readonly name: string };
  readonly lastPing: SummaryPing | null;
  /** Other checks of the project that are down: up to OTHER_DOWN_LIMIT names, and the count. */
  readonly otherDown: { readonly names: readonly string[]; readonly count: number };
}

export interface SummaryCheck {
  readonly code: string;
  readonly name: string;
  readonly slug: string;
  readonly tags: string;
  readonly desc: string;
  readonly kind: CheckKind;
  readonly timeoutSeconds: number;
  readonly graceSeconds: number;
  readonly schedule: string;
  readonly tz: string;
  readonly nPings: number;
  readonly createdAt: string;
  /** The status as the API would show it when the summary was built. */
  readonly status: string;
  readonly lastPing: string | null;
  readonly nextPing: string | null;
  readonly started: boolean;
  readonly lastDurationSeconds: number | null;
  readonly manualResume: boolean;
  readonly methods: string;
  readonly startKw: string;
  readonly successKw: string;
  readonly failureKw: string;
  readonly filterSubject: boolean;
  readonly filterBody: boolean;
  readonly filterHttpBody: boolean;
  readonly filterDefaultFail: boolean;
  readonly badgeKey: string;
  /** Codes of the check's channels, sorted. */
  readonly channels: readonly string[];
}

export interface SummaryPing {
  readonly n: number;
  readonly kind: PingKind;
  readonly at: string;
  readonly scheme: string;
  readonly remoteAddr: string;
  readonly method: string;
  readonly exitStatus: number | null;
  /** The end of the body (BODY_LIMIT characters), decoded leniently; null without a body. */
  readonly body: string | null;
  /** Length of the whole decoded body, to say "showing the last N of M". */
  readonly bodyLength: number;
}

/** Rows as the database returns them; everything a summary needs. */
export interface SummaryFacts {
  readonly event: Summary['event'];
  readonly status: Direction;
  readonly reason: FlipReason;
  readonly at: Date;
  readonly downSince: Date | null;
  readonly check: Omit<SummaryCheck, 'createdAt' | 'lastPing' | 'nextPing'> & {
    readonly createdAt: Date;
    readonly lastPing: Date | null;
    readonly nextPing: Date | null;
  };
  readonly project: { readonly code: string; readonly name: string };
  readonly lastPing: {
    readonly n: number;
    readonly kind: PingKind;
    readonly at: Date;
    readonly scheme: string;
    readonly remoteAddr: string;
    readonly method: string;
    readonly exitStatus: number | null;
    readonly body: Uint8Array | null;
  } | null;
  /** Names of other down checks, sorted, at most OTHER_DOWN_LIMIT + 1 of them. */
  readonly otherDownNames: readonly string[];
  readonly otherDownCount: number;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** Builds the stored summary from database facts. Undecodable body bytes become U+FFFD. */
export function buildSummary(facts: SummaryFacts): Summary {
  const ping = facts.lastPing;
  let lastPing: SummaryPing | null = null;
  if (ping !== null) {
    const body = ping.body === null || ping.body.length === 0 ? null : new TextDecoder('utf-8').decode(ping.body);
    lastPing = {
      n: ping.n,
      kind: ping.kind,
      at: ping.at.toISOString(),
      scheme: ping.scheme,
      remoteAddr: ping.remoteAddr,
      method: ping.method,
      exitStatus: ping.exitStatus,
      body: body === null ? null : body.slice(-BODY_LIMIT),
      bodyLength: body?.length ?? 0,
    };
  }
  return {
    event: facts.event,
    status: facts.status,
    reason: facts.reason,
    at: facts.at.toISOString(),
    downSince: iso(facts.downSince),
    check: {
      ...facts.check,
      createdAt: facts.check.createdAt.toISOString(),
      lastPing: iso(facts.check.lastPing),
      nextPing: iso(facts.check.nextPing),
      channels: [...facts.check.channels].sort(),
    },
    project: facts.project,
    lastPing,
    otherDown: { names: facts.otherDownNames.slice(0, OTHER_DOWN_LIMIT), count: facts.otherDownCount },
  };
}

/** The check's name, or its code when it has none (Healthchecks' name_then_code). */
export function displayName(summary: Summary): string {
  return summary.check.name || summary.check.code;
}

/** Healthchecks' Flip.reason_long; null for a flip without a known reason. */
export function reasonText(reason: FlipReason): string | null {
  if (reason === 'timeout') return 'success signal did not arrive on time, grace time passed';
  if (reason === 'fail') return 'received a failure signal';
  return null;
}

/** "2 days 3 hours", "5 minutes", "40 seconds": the two largest units, as in a sentence. */
export function formatDuration(seconds: number): string {
  const units: Array<[string, number]> = [['week', 604_800], ['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];
  let rest = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) {
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

/** "3 hours ago" from `now`; "just now" under a minute; "in the future" for clock skew. */
export function formatAgo(date: string, now: Date): string {
  const seconds = (now.getTime() - new Date(date).getTime()) / 1000;
  if (seconds < 0) return 'in the future';
  if (seconds < 60) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

/** How long the check was (or has been) down; null when unknown or not applicable. */
export function downDurationSeconds(summary: Summary, now: Date): number | null {
  if (summary.downSince === null) return null;
  const end = summary.event === 'reminder' ? now : new Date(summary.at);
  return Math.max(0, (end.getTime() - new Date(summary.downSince).getTime()) / 1000);
}

/** One sentence: `"Backups" is DOWN (received a failure signal).` and its up/reminder forms. */
export function headline(summary: Summary, now: Date): string {
  const name = `"${displayName(summary)}"`;
  const down = downDurationSeconds(summary, now);
  if (summary.event === 'reminder') {
    return `${name} is still DOWN${down === null ? '' : ` (down for ${formatDuration(down)})`}.`;
  }
  if (summary.status === 'up') {
    return `${name} is UP.${down === null ? '' : ` The downtime lasted ${formatDuration(down)}.`}`;
  }
  const reason = reasonText(summary.reason);
  return `${name} is DOWN${reason === null ? '' : ` (${reason})`}.`;
}

/** How the last ping is described: "Success", "Failure", "Exit status 3", "Started", ... */
export function pingKindText(ping: SummaryPing): string {
  if (ping.kind === 'ign') return 'Ignored';
  // A non-zero exit code says more than "Failure"; exit status 0 is plain success.
  if (ping.kind === 'fail' && ping.exitStatus !== null) return `Exit status ${ping.exitStatus}`;
  return { success: 'Success', fail: 'Failure', start: 'Started', log: 'Log' }[ping.kind];
}

/** "Every 1 day" for simple checks; the expression and zone for cron and OnCalendar. */
export function periodText(check: SummaryCheck): string {
  return check.kind === 'simple' ? formatDuration(check.timeoutSeconds) : `${check.schedule} (${check.tz})`;
}

/** "a, b and 3 more" style line of other down checks; null when none. */
export function otherDownText(summary: Summary): string | null {
  const { names, count } = summary.otherDown;
  if (count === 0) return null;
  if (count > OTHER_DOWN_LIMIT) return `${count} other checks are down.`;
  return `Other checks down: ${names.map((n) => `"${n}"`).join(', ')}.`;
}

/** The last `maxChars` characters of the ping body, marked when cut; null without a body. */
export function bodyExcerpt(summary: Summary, maxChars: number): string | null {
  const body = summary.lastPing?.body ?? null;
  if (body === null) return null;
  return body.length > maxChars ? `[…]${body.slice(-maxChars)}` : body;
}

/** Labelled facts ("Project", "Tags", "Last ping", ...) in display order, for any layout. */
export function detailFields(summary: Summary, now: Date): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (summary.project.name) fields.push(['Project', summary.project.name]);
  if (summary.check.tags.trim()) fields.push(['Tags', summary.check.tags.trim().split(/\s+/).join(', ')]);
  fields.push([summary.check.kind === 'simple' ? 'Period' : 'Schedule', periodText(summary.check)]);
  fields.push(['Total pings', String(summary.lastPing?.n ?? summary.check.nPings)]);
  const ping = summary.lastPing;
  if (ping !== null) {
    fields.push(['Last ping', `${pingKindText(ping)}, ${formatAgo(ping.at, now)}${ping.remoteAddr ? `, from ${ping.remoteAddr}` : ''}`]);
  } else {
    fields.push(['Last ping', 'never']);
  }
  const label = summary.event === 'reminder' ? 'Down since' : `Status changed to ${summary.status} at`;
  fields.push([label, new Date(summary.event === 'reminder' ? (summary.downSince ?? summary.at) : summary.at).toUTCString()]);
  return fields;
}

/** The whole message as plain text: headline, description, details, other checks, body. */
export function plainText(summary: Summary, now: Date, options: { bodyChars?: number } = {}): string {
  const lines = [headline(summary, now), ''];
  if (summary.check.desc.trim()) lines.push(summary.check.desc.trim(), '');
  for (const [label, value] of detailFields(summary, now)) lines.push(`${label}: ${value}`);
  const others = otherDownText(summary);
  if (others !== null) lines.push('', others);
  const body = bodyExcerpt(summary, options.bodyChars ?? 1000);
  if (body !== null) lines.push('', 'Last ping body:', body);
  return lines.join('\n');
}
