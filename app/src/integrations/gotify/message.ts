// The message a Gotify channel posts: a title, Markdown text laid out as Healthchecks'
// gotify_message.html plus the facts other chat messages carry, the priority. Pure.
import { displayName, type Summary } from '../../core/summary.ts';
import { afterStatus, checkLink, escapeMarkdown, markdownFacts, otherDownList, reasonSuffix, statusPhrase, type SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import type { Notice } from '../types.ts';
import { priorityFor, type GotifyConfig } from './config.ts';

/**
 * POST <url>/message. The token travels in the X-Gotify-Key header, which Gotify documents
 * beside the `?token=` Healthchecks uses: query strings end up in proxies' access logs.
 * Gotify has no idempotency key.
 */
export function gotifyRequest(config: GotifyConfig, notice: Notice, site: SiteLinks): HttpRequest {
  const { summary, now } = notice;
  const priority = priorityFor(config, notice.direction);
  const payload = {
    title: `${displayName(summary)} is ${statusPhrase(summary)}`,
    message: gotifyMessage(summary, now, site),
    ...(priority === null ? {} : { priority }),
    extras: { 'client::display': { contentType: 'text/markdown' } },
  };
  return jsonPost(`${config.url}/message`, payload, { 'X-Gotify-Key': config.token });
}

function gotifyMessage(summary: Summary, now: Date, site: SiteLinks): string {
  const name = `[${escapeMarkdown(displayName(summary))}](${checkLink(summary, site)})`;
  const lines =
    summary.status === 'up'
      ? [`🟢 The check ${name} is now **UP**.`]
      : [`🔴 The check ${name} is ${summary.event === 'reminder' ? 'still ' : ''}**DOWN**${escapeMarkdown(reasonSuffix(summary))}.`];
  const detail = afterStatus(summary, now);
  if (detail !== null) lines.push('', escapeMarkdown(detail));
  lines.push('', ...markdownFacts(summary, now));
  const others = otherDownList(summary);
  if (others !== null) {
    lines.push('', others.heading);
    for (const name of others.names) lines.push(`- ${escapeMarkdown(name)}`);
  }
  return lines.join('\n');
}

