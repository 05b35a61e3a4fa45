import t from 'tap';
import { startSmtpReceiver } from '../../testing/receivers.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { TransportError } from '../types.ts';
import { email } from './index.ts';
import { alertEmail, subject, unsubscribeUrl } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden', from: 'Cronwarden <alerts@cw.example.org>' };

t.test('the alert email has the exact subject, text and unsubscribe headers', async (t) => {
  const notice = testNotice();
  const message = alertEmail('ops@example.org', notice, site);
  const unsubscribe = `https://cw.example.org/integrations/${notice.channel.code}/unsub/${'k'.repeat(64)}/?t=1768478400`;
  t.equal(unsubscribeUrl(notice, site.siteRoot), unsubscribe);
  t.same(
    { to: message.to, subject: message.subject, headers: message.headers, messageId: message.messageId },
    {
      to: 'ops@example.org',
      subject: 'DOWN | Backups',
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      messageId: `<${notice.code}@cw.example.org>`,
    },
  );
  t.equal(
    message.text,
    [
      '"Backups" is DOWN (success signal did not arrive on time, grace time passed).',
      '',
      'Description:',
      '------------',
      'Nightly database backup',
      '',
      'Details:',
      '--------',
      'Project: Infra',
      'Tags: prod, db',
      'Period: 1 hour',
      'Total pings: 42',
      'Last ping: Success, 2 hours ago, from 192.0.2.7',
      'Status changed to down at: Thu, 15 Jan 2026 11:10:00 GMT',
      '',
      'Last ping body:',
      '---------------',
      'backup done: 12 GB',
      '',
      '--',
      `Unsubscribe: ${unsubscribe}`,
      'Regards, Cronwarden',
      '',
    ].join('\n'),
  );
  t.match(message.html, '<p>&quot;Backups&quot; is DOWN (success signal did not arrive on time, grace time passed).</p>');
  t.match(message.html, `<a href="${unsubscribe}">Unsubscribe</a>`);
});

t.test('up, reminder and unnamed checks have their own subjects; HTML is escaped', async (t) => {
  const up = testNotice({ facts: { status: 'up', reason: '', downSince: new Date('2026-01-15T09:00:00Z') } });
  t.equal(subject(up.summary), 'UP | Backups');
  t.match(alertEmail('a@example.org', up, site).text, /^"Backups" is UP\. The downtime lasted 2 hours 10 minutes\.\n/);
  const reminder = testNotice({ facts: { event: 'reminder', downSince: new Date('2026-01-15T09:00:00Z') } });
  t.equal(subject(reminder.summary), 'Reminder: DOWN | Backups');
  t.match(alertEmail('a@example.org', reminder, site).text, /^"Backups" is still DOWN \(down for 3 hours\)\.\n/);
  const unnamed = testNotice({ facts: { check: { ...summaryFacts().check, name: '' } } });
  t.equal(subject(unnamed.summary), 'DOWN | 6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90');
  const html = alertEmail('a@example.org', testNotice({ facts: { check: { ...summaryFacts().check, name: '<b>x</b>' } } }), site).html;
  t.match(html, '&lt;b&gt;x&lt;/b&gt;');
  t.notMatch(html, '<b>x</b>');
});

t.test('settings: an address and which directions to send', async (t) => {
  t.same(email.parseConfig({ address: ' ops@example.org ' }), { address: 'ops@example.org', up: true, down: true });
  t.same(email.parseConfig({ address: 'ops@example.org', up: false, reminder_interval: 86400 }), { address: 'ops@example.org', up: false, down: true, reminder_interval: 86400 });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^address is required$/],
    [{ address: 'not an address' }, /^address is not a valid email address$/],
    [{ address: 'a@b.c', up: 'yes' }, /^up must be true or false$/],
    [{ address: 'a@b.c', up: false, down: false }, /^at least one of up and down must be true$/],
  ];
  for (const [raw, message] of cases) t.throws(() => email.parseConfig(raw), message);
  const upOnly = email.open({ address: 'a@example.org', down: false });
  t.same([upOnly.isNoop('down'), upOnly.isNoop('up')], [true, false]);
});

t.test('an email reaches a real SMTP server with both parts and the unsubscribe headers', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const ctx = testSendContext(t, { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false', DEFAULT_FROM_EMAIL: site.from });
  await email.open({ address: 'ops@example.org' }).send(testNotice(), ctx);
  t.equal(smtp.messages.length, 1);
  const [mail] = smtp.messages;
  t.same(mail?.to, ['ops@example.org']);
  t.equal(mail?.from, 'alerts@cw.example.org');
  t.equal(mail?.parsed.subject, 'DOWN | Backups');
  t.equal(mail?.parsed.messageId, `<${testNotice().code}@cw.example.org>`);
  // Headers as sent, folded lines joined.
  const headers = (mail?.raw ?? '').split('\r\n\r\n')[0]?.replace(/\r\n[ \t]+/g, ' ') ?? '';
  t.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  t.match(headers, /^List-Unsubscribe: <https:\/\/cw\.example\.org\/integrations\/c0ffee00-1111-4222-8333-444455556666\/unsub\/k{64}\/\?t=1768478400>$/m);
  t.match(mail?.parsed.text, /Last ping body:\n-+\nbackup done: 12 GB/);
  t.match(String(mail?.parsed.html), /<table>/);
});

t.test('a refused recipient is permanent; a server that is down or missing is retryable', async (t) => {
  const smtp = await startSmtpReceiver(t);
  smtp.rejectRecipients = 550;
  const env = { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false' };
  const channel = email.open({ address: 'nobody@example.org' });
  const refused = await channel.send(testNotice(), testSendContext(t, env)).catch((e: unknown) => e);
  t.type(refused, TransportError);
  t.match(refused, { permanent: true, message: /^Email rejected: 550 / });

  smtp.rejectRecipients = 450;
  await t.rejects(channel.send(testNotice(), testSendContext(t, env)), { permanent: false, message: /^Email sending failed: 450 / });

  await t.rejects(channel.send(testNotice(), testSendContext(t, { ...env, EMAIL_PORT: '1' })), { permanent: false, message: /^SMTP connection failed/ });
  await t.rejects(channel.send(testNotice(), testSendContext(t)), { permanent: false, message: 'Email is not configured (set EMAIL_HOST)' });
});
