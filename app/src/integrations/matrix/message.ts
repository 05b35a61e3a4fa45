// The exact requests of a Matrix channel: the message (plain text and HTML), and the two
// helpers a send may need first: resolving an alias to a room id, and joining the room. Pure.
import { bodyExcerpt, detailFields, headline, otherDownText, plainText, type Summary } from '../../core/summary.ts';
import { escapeHtml } from '../email/message.ts';
import type { HttpRequest } from '../http.ts';

/** The operator's Matrix account (MATRIX_HOMESERVER, MATRIX_ACCESS_TOKEN). */
export interface MatrixSite {
  readonly homeserver: string;
  readonly accessToken: string;
}

/** An m.room.message event's content. */
export interface MatrixContent {
  readonly msgtype: 'm.text';
  readonly body: string;
  readonly format: 'org.matrix.custom.html';
  readonly formatted_body: string;
}

/** Characters of the last ping's body shown, as in Healthchecks. */
export const BODY_CHARS = 1000;

const API = '/_matrix/client/v3';

/**
 * PUT of the message into `roomId`. The transaction id is the delivery's idempotency key: a
 * homeserver that already accepted it answers with the same event instead of posting twice,
 * so a resend after a crash (or the second PUT after a join) never duplicates the message.
 */
export function sendRequest(site: MatrixSite, roomId: string, txnId: string, content: MatrixContent): HttpRequest {
  return {
    method: 'PUT',
    url: `${site.homeserver}${API}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`,
    headers: headers(site),
    body: JSON.stringify(content),
  };
}

/** GET of the room id an alias points to (the room directory; no side effects). */
export function resolveRequest(site: MatrixSite, alias: string): HttpRequest {
  return { method: 'GET', url: `${site.homeserver}${API}/directory/room/${encodeURIComponent(alias)}`, headers: headers(site) };
}

/** POST that joins the room (accepting an invitation); joining a room already joined changes nothing. */
export function joinRequest(site: MatrixSite, room: string): HttpRequest {
  return { method: 'POST', url: `${site.homeserver}${API}/join/${encodeURIComponent(room)}`, headers: headers(site), body: '{}' };
}

/** The message: the shared plain text, and the same facts as HTML. */
export function matrixContent(summary: Summary, now: Date): MatrixContent {
  const mark = summary.status === 'down' ? '🔴' : '🟢';
  return {
    msgtype: 'm.text',
    body: `${mark} ${plainText(summary, now, { bodyChars: BODY_CHARS })}`,
    format: 'org.matrix.custom.html',
    formatted_body: html(summary, now, mark),
  };
}

function html(summary: Summary, now: Date, mark: string): string {
  const parts = [`<p>${mark} <b>${escapeHtml(headline(summary, now))}</b></p>`];
  const desc = summary.check.desc.trim();
  if (desc) parts.push(`<p>${escapeHtml(desc).replace(/\n/g, '<br>')}</p>`);
  parts.push(`<p>${detailFields(summary, now).map(([label, value]) => `<b>${escapeHtml(label)}:</b> ${escapeHtml(value)}`).join('<br>')}</p>`);
  const others = otherDownText(summary);
  if (others !== null) parts.push(`<p>${escapeHtml(others)}</p>`);
  const body = bodyExcerpt(summary, BODY_CHARS);
  if (body !== null) parts.push(`<p><b>Last ping body:</b></p><pre><code>${escapeHtml(body)}</code></pre>`);
  return parts.join('\n');
}

function headers(site: MatrixSite): Record<string, string> {
  return { Authorization: `Bearer ${site.accessToken}`, 'Content-Type': 'application/json' };
}
