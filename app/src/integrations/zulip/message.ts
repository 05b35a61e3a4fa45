// The exact request a Zulip channel makes for a notice: POST <site>/api/v1/messages with the
// bot's credentials, a topic and Zulip-flavoured Markdown. Pure.
import { bodyExcerpt, detailFields, displayName, headline, otherDownText, type Summary } from '../../core/summary.ts';
import type { HttpRequest } from '../http.ts';
import type { Notice } from '../types.ts';
import type { ZulipConfig } from './config.ts';

// Zulip cuts topics at 60 characters; bodies and descriptions are kept well under its 10,000.
export const TOPIC_LIMIT = 60;
const BODY_CHARS = 1000;
const DESC_CHARS = 2000;

/** The request: form-encoded, basic auth with the bot's email and API key. */
export function zulipRequest(config: ZulipConfig, notice: Notice): HttpRequest {
  const form = new URLSearchParams({ type: config.mtype, to: recipient(config) });
  if (config.mtype === 'stream') form.set('topic', topic(config, notice.summary));
  form.set('content', content(notice.summary, notice.now));
  return {
    method: 'POST',
    url: `${config.site}/api/v1/messages`,
    headers: {
      Authorization: `Basic ${Buffer.from(`${config.bot_email}:${config.api_key}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
  };
}

/** A numeric user id is sent as a JSON list ("[17]"), which Zulip requires for ids; anything else as is. */
export function recipient(config: ZulipConfig): string {
  return config.mtype === 'private' && /^\d+$/.test(config.to) ? `[${config.to}]` : config.to;
}

/** The channel's topic, or Healthchecks' "<check> is DOWN"; one line, at most 60 characters. */
export function topic(config: ZulipConfig, summary: Summary): string {
  const text = (config.topic || `${displayName(summary)} is ${summary.status.toUpperCase()}`).replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  const chars = [...text];
  return chars.length > TOPIC_LIMIT ? `${chars.slice(0, TOPIC_LIMIT - 1).join('')}…` : text;
}

/** The message in Markdown; names and values are escaped so they cannot format, link or mention. */
export function content(summary: Summary, now: Date): string {
  const mark = summary.status === 'down' ? '🔴' : '🟢';
  const lines = [`${mark} **${escapeMarkdown(headline(summary, now))}**`, ''];
  const desc = summary.check.desc.trim();
  if (desc) lines.push(escapeMarkdown(desc.length > DESC_CHARS ? `${desc.slice(0, DESC_CHARS)}…` : desc), '');
  for (const [label, value] of detailFields(summary, now)) lines.push(`**${label}:** ${escapeMarkdown(value)}`);
  const others = otherDownText(summary);
  if (others !== null) lines.push('', escapeMarkdown(others));
  const body = bodyExcerpt(summary, BODY_CHARS);
  if (body !== null) {
    // A fence longer than any run of backticks in the body, so the body cannot close it.
    const fence = '`'.repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    lines.push('', '**Last ping body:**', `${fence}text`, body, fence);
  }
  return lines.join('\n');
}

/** Backslash-escapes the characters that make Markdown emphasis, code, links and mentions. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]]/g, (c) => `\\${c}`);
}
