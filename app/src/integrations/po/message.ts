// The exact requests a Pushover channel makes for a notice. Pure. An "up" after emergency
// "down" messages is two requests: cancel the emergency by its tag, then say "up".
import { bodyExcerpt, detailFields, displayName, headline, otherDownText, type Summary } from '../../core/summary.ts';
import { uniqueKey } from '../../core/unique-key.ts';
import { escapeHtml } from '../email/message.ts';
import type { HttpRequest } from '../http.ts';
import type { Notice } from '../types.ts';
import { DISABLED, EMERGENCY, priorityFor, type PushoverConfig } from './config.ts';

/** What the operator configured (PUSHOVER_*). */
export interface PushoverSite {
  readonly apiUrl: string;
  readonly apiToken: string;
  readonly emergencyRetryDelay: number;
  readonly emergencyExpiration: number;
}

// Pushover's documented limits; longer values are refused, not cut.
export const MESSAGE_LIMIT = 1024;
export const TITLE_LIMIT = 250;
const BODY_CHARS = 300;
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/**
 * The requests for `notice`, in the order they must succeed: the cancellation of emergency
 * messages (an "up" when "down" is an emergency), then the message itself (unless "up" is
 * disabled, when only the cancellation is left to do).
 */
export function pushoverRequests(config: PushoverConfig, notice: Notice, site: PushoverSite): HttpRequest[] {
  const requests: HttpRequest[] = [];
  if (notice.direction === 'up' && config.priority === EMERGENCY) requests.push(cancelRequest(notice.summary, site));
  if (priorityFor(config, notice.direction) !== DISABLED) requests.push(messageRequest(config, notice, site));
  return requests;
}

/** Cancels the emergency messages tagged with the check's unique key (a no-op when none is active). */
export function cancelRequest(summary: Summary, site: PushoverSite): HttpRequest {
  return {
    method: 'POST',
    url: `${site.apiUrl}/receipts/cancel_by_tag/${uniqueKey(summary.check.code)}.json`,
    headers: FORM,
    body: new URLSearchParams({ token: site.apiToken }).toString(),
  };
}

/** The message: HTML text, title, priority, the flip's time, and the tag later "up"s cancel by. */
export function messageRequest(config: PushoverConfig, notice: Notice, site: PushoverSite): HttpRequest {
  const priority = priorityFor(config, notice.direction);
  const form = new URLSearchParams({
    token: site.apiToken,
    user: config.user_key,
    title: title(notice.summary),
    message: message(notice.summary, notice.now),
    html: '1',
    priority: String(priority),
    // Shown as the message's time: a message delivered after retries still says when it happened.
    timestamp: String(Math.floor(new Date(notice.summary.at).getTime() / 1000)),
    tags: uniqueKey(notice.summary.check.code),
  });
  if (priority === EMERGENCY) {
    form.set('retry', String(site.emergencyRetryDelay));
    form.set('expire', String(site.emergencyExpiration));
  }
  return { method: 'POST', url: `${site.apiUrl}/messages.json`, headers: FORM, body: form.toString() };
}

/** "🔴 Backups is DOWN", "🔴 Backups is still DOWN", "🟢 Backups is UP" (plain text). */
export function title(summary: Summary): string {
  const state = summary.event === 'reminder' ? 'is still DOWN' : `is ${summary.status.toUpperCase()}`;
  const mark = summary.status === 'down' ? '🔴' : '🟢';
  const room = TITLE_LIMIT - [...`${mark}  ${state}`].length;
  const name = displayName(summary).replace(/\s+/g, ' ');
  return `${mark} ${[...name].length > room ? `${[...name].slice(0, room - 1).join('')}…` : name} ${state}`;
}

/**
 * The HTML message: the headline, the details, other down checks and the end of the last
 * ping's body. Pushover refuses messages over its limit, so details that do not fit are left
 * out whole from the end (no tag is cut in two) and the body excerpt takes what room is left.
 */
export function message(summary: Summary, now: Date): string {
  // Each piece carries the line break before it: a blank line between sections.
  const pieces = detailFields(summary, now).map(([label, value], i) => `${i === 0 ? '\n\n' : '\n'}<b>${escapeHtml(label)}:</b> ${escapeHtml(value)}`);
  const others = otherDownText(summary);
  if (others !== null) pieces.push(`\n\n${escapeHtml(others)}`);
  let text = cutText(escapeHtml(headline(summary, now)), MESSAGE_LIMIT);
  for (const piece of pieces) {
    if (text.length + piece.length > MESSAGE_LIMIT) return text;
    text += piece;
  }
  return text + bodyBlock(summary, MESSAGE_LIMIT - text.length);
}

// "\n\n<b>Last ping body:</b>\n<the end of the body>" in at most `room` characters; '' when
// fewer than 40 characters of it would fit.
function bodyBlock(summary: Summary, room: number): string {
  const header = '\n\n<b>Last ping body:</b>\n';
  for (let chars = Math.min(BODY_CHARS, room - header.length); chars >= 40; chars = Math.floor(chars * 0.8)) {
    const excerpt = bodyExcerpt(summary, chars);
    if (excerpt === null) return '';
    const block = header + escapeHtml(excerpt);
    if (block.length <= room) return block;
  }
  return '';
}

// An escaped line cut to `limit` characters without leaving half an entity.
function cutText(html: string, limit: number): string {
  return html.length > limit ? `${html.slice(0, limit - 1).replace(/&[^;]*$/, '')}…` : html;
}
