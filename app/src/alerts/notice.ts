// The email a project owner gets when the engine disables one of the project's channels
// after a permanent error: a silently disabled channel is an alert that will never arrive.
import { escapeHtml } from '../integrations/email/message.ts';
import type { MailMessage } from '../integrations/email/sender.ts';

/** Stored in deliveries.summary for a notice. */
export interface DisabledNotice {
  readonly type: 'channel-disabled';
  readonly channel: { readonly code: string; readonly name: string; readonly kind: string; readonly label: string };
  readonly project: { readonly code: string; readonly name: string };
  readonly error: string;
  readonly at: string;
}

/** True for a notice's stored summary. */
export function isDisabledNotice(value: unknown): value is DisabledNotice {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'channel-disabled';
}

/** The notice email to the project owner. */
export function disabledNoticeEmail(to: string, notice: DisabledNotice, code: string, site: { siteName: string; from: string }): MailMessage {
  const channel = notice.channel.name ? `${notice.channel.label} integration "${notice.channel.name}"` : `${notice.channel.label} integration ${notice.channel.code}`;
  const project = notice.project.name ? `project "${notice.project.name}"` : `project ${notice.project.code}`;
  const lines = [
    `${site.siteName} disabled the ${channel} of ${project}, because sending to it failed with an error that retrying cannot fix:`,
    '',
    `    ${notice.error}`,
    '',
    `Disabled at: ${new Date(notice.at).toUTCString()}`,
    `Channel: ${notice.channel.code} (${notice.channel.kind})`,
    '',
    'Until it is fixed and enabled again, its checks send no notifications through it.',
    'Check its settings (the URL, the token, the address), then enable it through the management API.',
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!DOCTYPE html>\n<html><body>${lines.map((line) => (line ? `<p>${escapeHtml(line.trim())}</p>` : '')).join('\n')}</body></html>`;
  const domain = /@([^>\s]+)>?\s*$/.exec(site.from)?.[1] ?? 'localhost';
  return { to, subject: `Integration disabled: ${notice.channel.name || notice.channel.label} (${notice.project.name || notice.project.code})`, text, html, messageId: `<${code}@${domain}>` };
}
