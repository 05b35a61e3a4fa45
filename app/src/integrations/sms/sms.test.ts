import { randomUUID } from 'node:crypto';
import t from 'tap';
import { usageThisMonth } from '../../db/queries/twilio-usage.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertChannel, insertProject, insertUser } from '../../testing/fixtures.ts';
import { startSmtpReceiver } from '../../testing/receivers.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { startFakeTwilio, TEST_ACCOUNT, TEST_AUTH, twilioEnv, type FakeTwilio } from '../twilio/testing.ts';
import type { Notice } from '../types.ts';
import { sms } from './index.ts';
import { smsRequest, smsText } from './message.ts';

const account = { account: TEST_ACCOUNT, auth: TEST_AUTH, baseUrl: 'https://api.twilio.com' };
const site = { account, sender: { from: '+15005550006' }, siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const basic = `Basic ${Buffer.from(`${TEST_ACCOUNT}:${TEST_AUTH}`).toString('base64')}`;
const form = (body: string | Uint8Array | null | undefined) => [...new URLSearchParams(typeof body === 'string' ? body : '')];

t.test('a down alert is one text from TWILIO_FROM, with the status callback and risk check off', async (t) => {
  const notice = testNotice();
  const request = smsRequest({ phone: '+37120000123', up: false, down: true }, notice, site);
  t.same({ ...request, body: form(request.body) }, {
    method: 'POST',
    url: `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT}/Messages.json`,
    headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: [
      ['To', '+37120000123'],
      ['Body', 'Cronwarden: The check "Backups" is DOWN (success signal did not arrive on time, grace time passed).'],
      ['StatusCallback', `https://cw.example.org/api/v3/notifications/${notice.code}/status`],
      ['RiskCheck', 'disable'],
      ['From', '+15005550006'],
    ],
  });
});

t.test('up, reminder, failure and unnamed checks have their own texts; a messaging service replaces From', async (t) => {
  const text = (facts: Parameters<typeof summaryFacts>[0]) => smsText(testNotice({ facts }).summary, testNotice().now, 'CW');
  t.equal(text({ status: 'up', reason: '', downSince: new Date('2026-01-15T09:00:00Z') }), 'CW: The check "Backups" is UP. The downtime lasted 2 hours 10 minutes.');
  t.equal(text({ event: 'reminder', downSince: new Date('2026-01-15T09:00:00Z') }), 'CW: The check "Backups" is still DOWN (down for 3 hours).');
  t.equal(text({ reason: 'fail' }), 'CW: The check "Backups" is DOWN (received a failure signal).');
  t.equal(text({ check: { ...summaryFacts().check, name: '' } }), 'CW: The check "6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90" is DOWN (success signal did not arrive on time, grace time passed).');
  const request = smsRequest({ phone: '+37120000123', up: true, down: true }, testNotice(), { ...site, sender: { messagingServiceSid: 'MG0123' } });
  t.same(form(request.body).slice(3), [['RiskCheck', 'disable'], ['MessagingServiceSid', 'MG0123']]);
});

t.test('settings: a number in international format and the directions; Healthchecks\' "value" is read too', async (t) => {
  t.same(sms.parseConfig({ phone: '+371 2000-0123' }), { phone: '+37120000123', up: false, down: true });
  t.same(sms.parseConfig({ value: '+37120000123', up: true, down: true }), { phone: '+37120000123', up: true, down: true });
  t.same(sms.parseConfig({ phone: '+37120000123', up: true, down: false, reminder_interval: 3600, label: 'x' }), { phone: '+37120000123', up: true, down: false, reminder_interval: 3600 });
  const once = sms.parseConfig({ value: ' +1 555 000 1111 ', up: true });
  t.same(sms.parseConfig(once), once, 'parsing the stored settings again gives the same settings');
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^phone is required$/],
    [{ phone: 37120000123 }, /^phone must be a string$/],
    [{ phone: '37120000123' }, /^phone must be in international format/],
    [{ phone: '+371' }, /^phone must be in international format/],
    [{ phone: '+1234567890123456' }, /^phone must be in international format/],
    [{ phone: '+1 (555) 0001111' }, /^phone must be in international format/],
    [{ phone: '+37120000123', up: 'yes' }, /^up must be true or false$/],
    [{ phone: '+37120000123', down: false }, /^at least one of up and down must be true$/],
  ];
  for (const [raw, message] of cases) t.throws(() => sms.parseConfig(raw), message, JSON.stringify(raw));
  const channel = sms.open({ phone: '+37120000123' });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [false, true]);
});

async function setup(t: Parameters<typeof testDatabase>[0], env: Record<string, string> = {}, options: { owner?: boolean } = {}) {
  const fake = await startFakeTwilio(t);
  const { pool } = await testDatabase(t);
  const owner = options.owner === false ? null : await insertUser(pool, 'owner@example.org');
  const project = await insertProject(pool, { owner_id: owner?.id ?? null, name: 'Infra' });
  const row = await insertChannel(pool, project.id, { kind: 'sms', config: { phone: '+37120000123', up: true, down: true } });
  const ctx = testSendContext(t, twilioEnv(fake, env), { db: pool });
  const channel = sms.open(row.config);
  const notice = (now = testNotice().now): Notice => ({ ...testNotice(), code: randomUUID(), now, channel: { code: row.code, name: '', unsubscribeKey: '' } });
  const usage = (month = '2026-01-01') => usageThisMonth(pool, { userId: owner?.id ?? null, projectId: owner === null ? project.id : null }, 'sms', month);
  return { fake, pool, ctx, channel, notice, usage, row };
}

const sentTo = (fake: FakeTwilio) => fake.created.map((c) => `${c.resource} ${c.fields.To} ${c.sid ?? 'refused'}`);

t.test('an accepted text is counted and its SID recorded under the notice code; the same notice is never sent twice', async (t) => {
  const { fake, pool, ctx, channel, notice, usage, row } = await setup(t);
  const first = notice();
  await channel.send(first, ctx);
  t.same(sentTo(fake), ['Messages +37120000123 SM00000000000000000000000000000000']);
  t.equal(fake.receiver.requests[0]?.headers.authorization, basic);
  t.equal(fake.created[0]?.fields.StatusCallback, `https://cw.example.org/api/v3/notifications/${first.code}/status`);
  t.equal(await usage(), 1);
  const { rows } = await pool.query('select sid, code, channel_id, created_at, status from twilio_messages');
  t.same(rows, [{ sid: 'SM00000000000000000000000000000000', code: first.code, channel_id: row.id, created_at: first.now, status: '' }]);

  // The engine lost the outcome of the first attempt and tries again: Twilio is not asked twice.
  await channel.send({ ...first, now: new Date(first.now.getTime() + 120_000) }, ctx);
  t.equal(fake.created.length, 1);
  t.equal(await usage(), 1);
});

t.test('a refusal gives the count back: 5xx and 401 are retryable, 21211 is permanent', async (t) => {
  const { fake, ctx, channel, notice, usage } = await setup(t);
  fake.failure = { status: 503, code: 20500, message: 'Internal Server Error', headers: { 'Retry-After': '30' } };
  await t.rejects(channel.send(notice(), ctx), { message: 'Received status code 503 with a message: "Internal Server Error (Twilio error 20500)"', permanent: false, retryAfter: 30 });
  fake.failure = { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." };
  await t.rejects(channel.send(notice(), ctx), { message: 'Invalid phone number', permanent: true });
  fake.failure = { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' };
  await t.rejects(channel.send(notice(), ctx), { message: 'The recipient has unsubscribed from these messages (replied STOP)', permanent: true });
  fake.failure = null;
  const wrongAuth = testSendContext(t, twilioEnv(fake, { TWILIO_AUTH: 'wrong' }), { db: ctx.db });
  await t.rejects(channel.send(notice(), wrongAuth), { message: 'Received status code 401 with a message: "Authenticate (Twilio error 20003)"', permanent: false });
  t.equal(await usage(), 0, 'nothing Twilio refused is counted');
  t.equal(fake.created.length, 4);
});

t.test('a failure without an answer keeps the count, since Twilio may have sent the text', async (t) => {
  const { fake, ctx, channel, notice, usage } = await setup(t);
  await fake.receiver.close();
  await t.rejects(channel.send(notice(), ctx), { message: 'Connection failed', permanent: false });
  t.equal(await usage(), 1);
});

t.test('without TWILIO_ACCOUNT, TWILIO_AUTH and a sender, SMS is not enabled', async (t) => {
  const { fake, ctx, channel, notice } = await setup(t);
  const missings: Array<Record<string, string>> = [{ TWILIO_AUTH: '' }, { TWILIO_ACCOUNT: '' }, { TWILIO_FROM: '' }];
  for (const missing of missings) {
    const off = testSendContext(t, twilioEnv(fake, missing), { db: ctx.db });
    await t.rejects(channel.send(notice(), off), { message: 'SMS notifications are not enabled', permanent: false });
  }
  t.equal(fake.created.length, 0);
  const service = testSendContext(t, twilioEnv(fake, { TWILIO_FROM: '', TWILIO_MESSAGING_SERVICE_SID: 'MG0123' }), { db: ctx.db });
  await channel.send(notice(), service);
  t.equal(fake.created[0]?.fields.MessagingServiceSid, 'MG0123');
});

t.test('past SMS_LIMIT sends fail until next month, and the owner is emailed once that month', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const email = { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false', DEFAULT_FROM_EMAIL: 'alerts@cw.example.org' };
  const { fake, ctx: plain, channel, notice, usage } = await setup(t, { SMS_LIMIT: '2' });
  const ctx = testSendContext(t, twilioEnv(fake, { SMS_LIMIT: '2', ...email }), { db: plain.db });
  await channel.send(notice(), ctx);
  await channel.send(notice(), ctx);
  const over = notice(new Date('2026-01-31T23:00:00Z'));
  await t.rejects(channel.send(over, ctx), { message: 'Monthly SMS limit exceeded', permanent: false, retryAfter: 3600 });
  await t.rejects(channel.send(notice(), ctx), { message: 'Monthly SMS limit exceeded' });
  t.equal(fake.created.length, 2, 'Twilio is not asked past the limit');
  t.equal(await usage(), 2);
  t.equal(smtp.messages.length, 1, 'one notice, however many sends hit the limit');
  t.same(smtp.messages[0]?.to, ['owner@example.org']);
  t.equal(smtp.messages[0]?.parsed.subject, 'Monthly SMS Limit Reached');
  t.match(smtp.messages[0]?.parsed.text, /account owner@example\.org has reached its monthly limit of 2 messages/);
  t.match(smtp.messages[0]?.parsed.text, /Cronwarden: The check "Backups" is DOWN/);

  const february = new Date('2026-02-01T00:00:05Z');
  await channel.send(notice(february), ctx);
  t.equal(fake.created.length, 3, 'a new month, a new count');
  t.equal(await usage('2026-02-01'), 1);
});

t.test('when the notice cannot be emailed, the next send past the limit tries again', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const { fake, ctx: plain, channel, notice } = await setup(t, { SMS_LIMIT: '0' });
  const down = testSendContext(t, twilioEnv(fake, { SMS_LIMIT: '0', EMAIL_HOST: '127.0.0.1', EMAIL_PORT: '1', EMAIL_USE_TLS: 'false' }), { db: plain.db });
  await t.rejects(channel.send(notice(), down), { message: 'Monthly SMS limit exceeded' });
  const up = testSendContext(t, twilioEnv(fake, { SMS_LIMIT: '0', EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false' }), { db: plain.db });
  await t.rejects(channel.send(notice(), up), { message: 'Monthly SMS limit exceeded' });
  await t.rejects(channel.send(notice(), up), { message: 'Monthly SMS limit exceeded' });
  t.equal(smtp.messages.length, 1);
  t.equal(fake.created.length, 0);
});

t.test('a project without an owner has a limit of its own and nobody to email', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const { fake, ctx: plain, channel, notice, usage } = await setup(t, {}, { owner: false });
  const ctx = testSendContext(t, twilioEnv(fake, { SMS_LIMIT: '1', EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false' }), { db: plain.db });
  await channel.send(notice(), ctx);
  await t.rejects(channel.send(notice(), ctx), { message: 'Monthly SMS limit exceeded' });
  t.equal(await usage(), 1);
  t.equal(smtp.messages.length, 0);
});
