// The JSON an ntfy channel publishes to its server's root: topic, priority, title, a Markdown
// message laid out as Healthchecks' ntfy_message.html, a coloured tag and a "view" action. Pure.
import { displayName, type Summary } from '../../core/summary.ts';
import { checkLink, escapeMarkdown, markdownFacts, otherDownList, statusDetail, statusPhrase, type SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import type { Notice } from '../types.ts';
import { NTFY_SH, priorityFor, type NtfyConfig } from './config.ts';

/**
 * The publish request for `notice`. The channel's token, else `ntfyShToken` (NTFY_SH_TOKEN)
 * for https://ntfy.sh, is sent as a Bearer token. ntfy has no idempotency key.
 */
export function ntfyRequest(config: NtfyConfig, notice: Notice, site: SiteLinks, ntfyShToken: string | null): HttpRequest {
  const { summary, now } = notice;
  const payload = {
    topic: config.topic,
    priority: priorityFor(config, notice.direction),
    title: `${displayName(summary)} is ${statusPhrase(summary)}`,
    message: ntfyMessage(summary, now),
    markdown: true,
    tags: [summary.status === 'down' ? 'red_circle' : 'green_circle'],
    actions: [{ action: 'view', label: `View on ${site.siteName}`, url: checkLink(summary, site) }],
  };
  const token = bearerToken(config, ntfyShToken);
  return jsonPost(`${config.url}/`, payload, token === null ? {} : { Authorization: `Bearer ${token}` });
}

/** The token sent: the channel's own, else NTFY_SH_TOKEN for https://ntfy.sh; null for none. */
export function bearerToken(config: NtfyConfig, ntfyShToken: string | null): string | null {
  if (config.token) return config.token;
  return config.url === NTFY_SH ? ntfyShToken : null;
}

function ntfyMessage(summary: Summary, now: Date): string {
  const lines: string[] = [];
  const detail = statusDetail(summary, now);
  if (detail !== null) lines.push(escapeMarkdown(detail), '');
  lines.push(...markdownFacts(summary, now));
  const others = otherDownList(summary);
  if (others !== null) {
    lines.push('', others.heading);
    for (const name of others.names) lines.push(`• **${escapeMarkdown(name)}**`);
  }
  return lines.join('\n');
}
