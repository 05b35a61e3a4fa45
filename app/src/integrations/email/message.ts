// The exact email an email channel sends for a notice: subject, plain text, HTML and the
// one-click unsubscribe headers (RFC 8058). Pure.
import {
  bodyExcerpt,
  detailFields,
  displayName,
  headline,
  otherDownText,
  type Summary,
} from '../../core/summary.ts';
import type { Notice } from '../types.ts';
import type { MailMessage } from './sender.ts';

export interface Site {
  readonly siteRoot: string;
  readonly siteName: string;
  /** DEFAULT_FROM_EMAIL; its domain names the Message-ID. */
  readonly from: string;
}

/** Healthchecks' emails show the end of the body, up to this many characters. */
export const EMAIL_BODY_CHARS = 10_000;

/** "DOWN | Backups", "UP | Backups", "Reminder: DOWN | Backups". */
export function subject(summary: Summary): string {
  // A name is one line in a subject, whatever was stored.
  const line = `${summary.status.toUpperCase()} | ${displayName(summary).replace(/[\r\n]+/g, ' ')}`;
  return summary.event === 'reminder' ? `Reminder: ${line}` : line;
}

/**
 * The unsubscribe link. `t` is the send time: the page asks for a confirming click when it is
 * opened within 5 minutes of it, because mail scanners fetch links as soon as mail arrives.
 */
export function unsubscribeUrl(notice: Notice, siteRoot: string): string {
  const { code, unsubscribeKey } = notice.channel;
  return `${siteRoot}/integrations/${code}/unsub/${unsubscribeKey}/?t=${Math.floor(notice.now.getTime() / 1000)}`;
}

/** The alert email for `notice`, to `address`. */
export function alertEmail(address: string, notice: Notice, site: Site): MailMessage {
  const unsubscribe = unsubscribeUrl(notice, site.siteRoot);
  return {
    to: address,
    subject: subject(notice.summary),
    text: textBody(notice.summary, notice.now, unsubscribe, site),
    html: htmlBody(notice.summary, notice.now, unsubscribe, site),
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    messageId: `<${notice.code}@${fromDomain(site.from)}>`,
  };
}

function textBody(summary: Summary, now: Date, unsubscribe: string, site: Site): string {
  const lines = [headline(summary, now), ''];
  if (summary.check.desc.trim()) lines.push('Description:', '------------', summary.check.desc.trim(), '');
  lines.push('Details:', '--------');
  for (const [label, value] of detailFields(summary, now)) lines.push(`${label}: ${value}`);
  const others = otherDownText(summary);
  if (others !== null) lines.push('', others);
  const body = bodyExcerpt(summary, EMAIL_BODY_CHARS);
  if (body !== null) lines.push('', 'Last ping body:', '---------------', body);
  lines.push('', '--', `Unsubscribe: ${unsubscribe}`, `Regards, ${site.siteName}`);
  return `${lines.join('\n')}\n`;
}

function htmlBody(summary: Summary, now: Date, unsubscribe: string, site: Site): string {
  const parts = [`<!DOCTYPE html>\n<html><body>`, `<p>${escapeHtml(headline(summary, now))}</p>`];
  if (summary.check.desc.trim()) {
    parts.push(`<p><b>Description</b><br>${escapeHtml(summary.check.desc.trim()).replace(/\n/g, '<br>')}</p>`);
  }
  const rows = detailFields(summary, now).map(
    ([label, value]) => `<tr><td style="padding-right: 32px; vertical-align: top;"><b>${escapeHtml(label)}</b></td><td>${escapeHtml(value)}</td></tr>`,
  );
  parts.push(`<table>${rows.join('')}</table>`);
  const others = otherDownText(summary);
  if (others !== null) parts.push(`<p>${escapeHtml(others)}</p>`);
  const body = bodyExcerpt(summary, EMAIL_BODY_CHARS);
  if (body !== null) parts.push(`<p><b>Last ping body</b></p><pre style="font-family: monospace;">${escapeHtml(body)}</pre>`);
  parts.push(
    `<p style="color: #666666; font-size: 90%">&mdash;<br>You are receiving this email because you are subscribed to ` +
      `${escapeHtml(site.siteName)} notifications${summary.project.name ? ` for project "${escapeHtml(summary.project.name)}"` : ''}.<br>` +
      `<a href="${escapeHtml(unsubscribe)}">Unsubscribe</a></p>`,
    '</body></html>',
  );
  return parts.join('\n');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function fromDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}
