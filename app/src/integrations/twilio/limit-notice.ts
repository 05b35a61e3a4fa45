// The email a project owner gets the first time in a month that a Twilio notification is
// held back by SMS_LIMIT or CALL_LIMIT (Healthchecks sends one every time; once is enough).
import { escapeHtml } from '../email/message.ts';
import type { MailMessage } from '../email/sender.ts';

export interface LimitNotice {
  /** "SMS", "WhatsApp" or "phone call". */
  readonly transport: string;
  /** The channel's number, masked in the email. */
  readonly recipient: string;
  /** The account whose limit was reached; null for a project without an owner. */
  readonly ownerEmail: string | null;
  readonly projectName: string;
  readonly limit: number;
  /** What could not be sent. */
  readonly message: string;
}

/** "+371******567": enough to tell numbers apart, not enough to read one out (Healthchecks' mask_phone). */
export function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 4)}******${phone.slice(-3)}` : phone;
}

/** The notice to `to`. Its Message-ID is fixed by `code` (one per account, kind and month). */
export function limitNoticeEmail(to: string, notice: LimitNotice, code: string, site: { siteName: string; from: string }): MailMessage {
  const unit = notice.transport === 'phone call' ? 'calls' : 'messages';
  const account = notice.ownerEmail === null ? `project "${notice.projectName}"` : `account ${notice.ownerEmail}`;
  const title = notice.transport === 'phone call' ? 'Phone Call' : notice.transport;
  const lines = [
    'Hello,',
    '',
    `${site.siteName} could not deliver ${notice.transport === 'SMS' ? 'an' : 'a'} ${notice.transport} notification to ${maskPhone(notice.recipient)} because ` +
      `${account} has reached its monthly limit of ${notice.limit} ${unit}. The limit resets at the start of each month (UTC); ` +
      `until then, notifications of this kind are retried and then recorded as failed.`,
    '',
    'This is the message that could not be delivered:',
    '',
    notice.message,
    '',
    'The limit is set by the operator of this site (SMS_LIMIT, CALL_LIMIT). You get this email once a month.',
    '',
    '--',
    `Regards, ${site.siteName}`,
  ];
  const html = [
    '<!DOCTYPE html>\n<html><body>',
    '<p>Hello,</p>',
    `<p>${escapeHtml(lines[2] ?? '')}</p>`,
    '<p>This is the message that could not be delivered:</p>',
    `<pre style="background: #F2F4F6; padding: 20px; white-space: pre-wrap;">${escapeHtml(notice.message)}</pre>`,
    `<p>${escapeHtml(lines[8] ?? '')}</p>`,
    `<p>Regards, ${escapeHtml(site.siteName)}</p>`,
    '</body></html>',
  ].join('\n');
  const domain = /@([^>\s]+)>?\s*$/.exec(site.from)?.[1] ?? 'localhost';
  return { to, subject: `Monthly ${title} Limit Reached`, text: `${lines.join('\n')}\n`, html, messageId: `<${code}@${domain}>` };
}
