import { randomUUID } from 'node:crypto';
import t from 'tap';
import { usageThisMonth } from '../../db/queries/twilio-usage.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertChannel, insertProject, insertUser } from '../../testing/fixtures.ts';
import { startSmtpReceiver } from '../../testing/receivers.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { startFakeTwilio, TEST_ACCOUNT, TEST_AUTH, twilioEnv } from '../twilio/testing.ts';
import type { Notice } from '../types.ts';
import { call } from './index.ts';
import { callRequest, callText, callTwiml } from './message.ts';

const account = { account: TEST_ACCOUNT, auth: TEST_AUTH, baseUrl: 'https://api.twilio.com' };
const site = { account, from: '+15005550006', siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const form = (body: string | Uint8Array | null | undefined) => [...new URLSearchParams(typeof body === 'string' ? body : '')];

t.test('a call reads one sentence through TwiML <Say>, with the status callback', async (t) => {
  const notice = testNotice();
  const request = callRequest({ phone: '+37120000123' }, notice, site);
  t.equal(request.url, `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT}/Calls.json`);
  t.same(form(request.body), [
    ['From', '+15005550006'],
    ['To', '+37120000123'],
    ['Twiml', '<Response><Say>Hello! A message from Cronwarden: The check "Backups" is down.</Say></Response>'],
    ['StatusCallback', `https://cw.example.org/api/v3/notifications/${notice.code}/status`],
  ]);
  t.equal(callText(testNotice({ facts: { event: 'reminder' } }).summary, 'CW'), 'Hello! A message from CW: The check "Backups" is still down.');
});

t.test('the check name cannot break the TwiML document', async (t) => {
  const hostile = testNotice({ facts: { check: { ...summaryFacts().check, name: '</Say><Dial>+19005550000</Dial><Say>&\u0001' } } });
  t.equal(
    callTwiml(callText(hostile.summary, 'CW')),
    '<Response><Say>Hello! A message from CW: The check "&lt;/Say&gt;&lt;Dial&gt;+19005550000&lt;/Dial&gt;&lt;Say&gt;&amp;" is down.</Say></Response>',
  );
});

t.test('settings: a number only; calls are made for "down" alone', async (t) => {
  t.same(call.parseConfig({ value: '+371 2000 0123', up: true }), { phone: '+37120000123' });
  t.throws(() => call.parseConfig({}), /^phone is required$/);
  t.same(call.parseConfig(call.parseConfig({ phone: '+37120000123' })), { phone: '+37120000123' });
  const channel = call.open({ phone: '+37120000123' });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [false, true]);
});

async function setup(t: Parameters<typeof testDatabase>[0], env: Record<string, string> = {}) {
  const fake = await startFakeTwilio(t);
  const { pool } = await testDatabase(t);
  const owner = await insertUser(pool, 'owner@example.org');
  const project = await insertProject(pool, { owner_id: owner.id });
  const row = await insertChannel(pool, project.id, { kind: 'call', config: { phone: '+37120000123' } });
  const ctx = testSendContext(t, twilioEnv(fake, env), { db: pool });
  const notice = (): Notice => ({ ...testNotice(), code: randomUUID(), channel: { code: row.code, name: '', unsubscribeKey: '' } });
  return { fake, pool, ctx, notice, usage: (kind: 'sms' | 'call') => usageThisMonth(pool, { userId: owner.id, projectId: null }, kind, '2026-01-01') };
}

t.test('an accepted call is counted against CALL_LIMIT, not SMS_LIMIT; 21217 and 21211 are permanent', async (t) => {
  const { fake, pool, ctx, notice, usage } = await setup(t);
  const channel = call.open({ phone: '+37120000123' });
  await channel.send(notice(), ctx);
  t.same(fake.created.map((c) => [c.resource, c.sid]), [['Calls', 'CA00000000000000000000000000000000']]);
  t.same((await pool.query('select sid from twilio_messages')).rows, [{ sid: 'CA00000000000000000000000000000000' }]);
  t.same([await usage('call'), await usage('sms')], [1, 0]);
  fake.failure = { status: 400, code: 21217, message: 'Phone number does not appear to be valid' };
  await t.rejects(channel.send(notice(), ctx), { message: 'Invalid phone number', permanent: true });
  fake.failure = { status: 400, code: 21211, message: 'Invalid To' };
  await t.rejects(channel.send(notice(), ctx), { message: 'Invalid phone number', permanent: true });
  fake.failure = { status: 502 };
  await t.rejects(channel.send(notice(), ctx), { message: 'Received status code 502', permanent: false });
  t.equal(await usage('call'), 1);
});

t.test('past CALL_LIMIT calls fail and the owner gets the phone call notice', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const { fake, ctx, notice } = await setup(t, { CALL_LIMIT: '1', EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false' });
  const channel = call.open({ phone: '+37120000123' });
  await channel.send(notice(), ctx);
  await t.rejects(channel.send(notice(), ctx), { message: 'Monthly phone call limit exceeded', permanent: false });
  t.equal(fake.created.length, 1);
  t.equal(smtp.messages[0]?.parsed.subject, 'Monthly Phone Call Limit Reached');
  t.match(smtp.messages[0]?.parsed.text, /could not deliver a phone call notification to \+371\*\*\*\*\*\*123/);
  t.match(smtp.messages[0]?.parsed.text, /Hello! A message from Cronwarden: The check "Backups" is down\./);
});

t.test('without TWILIO_FROM calls are not enabled (a messaging service cannot place calls)', async (t) => {
  const { fake, ctx, notice } = await setup(t);
  const off = testSendContext(t, twilioEnv(fake, { TWILIO_FROM: '', TWILIO_MESSAGING_SERVICE_SID: 'MG0123' }), { db: ctx.db });
  await t.rejects(call.open({ phone: '+37120000123' }).send(notice(), off), { message: 'Call notifications are not enabled' });
  t.equal(fake.created.length, 0);
});
