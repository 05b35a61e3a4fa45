import { randomUUID } from 'node:crypto';
import t from 'tap';
import { loadConfig } from '../../config.ts';
import { usageThisMonth } from '../../db/queries/twilio-usage.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertChannel, insertProject, insertUser } from '../../testing/fixtures.ts';
import { sms } from '../sms/index.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { startFakeTwilio, TEST_ACCOUNT, TEST_AUTH, twilioEnv, type FakeTwilio } from '../twilio/testing.ts';
import type { Notice } from '../types.ts';
import { whatsapp } from './index.ts';
import { whatsappRequest, whatsappSite } from './message.ts';

const ENABLED = {
  TWILIO_USE_WHATSAPP: 'true',
  TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef',
  WHATSAPP_DOWN_CONTENT_SID: 'HXdown',
  WHATSAPP_UP_CONTENT_SID: 'HXup',
};
const account = { account: TEST_ACCOUNT, auth: TEST_AUTH, baseUrl: 'https://api.twilio.com' };
const site = { account, from: '+15005550006', messagingServiceSid: ENABLED.TWILIO_MESSAGING_SERVICE_SID, downContentSid: 'HXdown', upContentSid: 'HXup', siteRoot: 'https://cw.example.org' };
const form = (body: string | Uint8Array | null | undefined) => [...new URLSearchParams(typeof body === 'string' ? body : '')];

t.test('a WhatsApp alert is the direction\'s content template with the check name as variable 1', async (t) => {
  const notice = testNotice();
  const request = whatsappRequest({ phone: '+37120000123', up: true, down: true }, notice, site);
  t.equal(request.url, `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT}/Messages.json`);
  t.same(form(request.body), [
    ['To', 'whatsapp:+37120000123'],
    ['From', 'whatsapp:+15005550006'],
    ['MessagingServiceSid', ENABLED.TWILIO_MESSAGING_SERVICE_SID],
    ['ContentSid', 'HXdown'],
    ['ContentVariables', '{"1":"Backups"}'],
    ['StatusCallback', `https://cw.example.org/api/v3/notifications/${notice.code}/status`],
  ]);
  const up = whatsappRequest({ phone: '+37120000123', up: true, down: true }, testNotice({ facts: { status: 'up', reason: '' } }), site);
  t.same(form(up.body)[3], ['ContentSid', 'HXup']);
  const odd = testNotice({ facts: { check: { ...summaryFacts().check, name: 'Quote " and \\ ✓' } } });
  t.same(JSON.parse(form(whatsappRequest({ phone: '+37120000123', up: true, down: true }, odd, site).body)[4]?.[1] ?? ''), { 1: 'Quote " and \\ ✓' });
});

t.test('WhatsApp is enabled only with TWILIO_USE_WHATSAPP=true and every Twilio setting', async (t) => {
  const base = { TWILIO_ACCOUNT: TEST_ACCOUNT, TWILIO_AUTH: TEST_AUTH, TWILIO_FROM: '+15005550006', ...ENABLED };
  t.ok(whatsappSite(loadConfig(base).integrations.twilio, 'https://x'));
  for (const missing of Object.keys(base)) {
    const env: Record<string, string> = { ...base, [missing]: missing === 'TWILIO_USE_WHATSAPP' ? 'false' : '' };
    t.equal(whatsappSite(loadConfig(env).integrations.twilio, 'https://x'), null, `without ${missing}`);
  }
});

t.test('settings are the SMS ones; a "whatsapp:" prefix on the number is dropped', async (t) => {
  t.same(whatsapp.parseConfig({ phone: 'whatsapp:+37120000123', up: true }), { phone: '+37120000123', up: true, down: true });
  t.same(whatsapp.parseConfig({ value: '+37120000123' }), { phone: '+37120000123', up: false, down: true });
  t.throws(() => whatsapp.parseConfig({ phone: 'whatsapp:' }), /^phone is required$/);
  t.throws(() => whatsapp.parseConfig({ phone: 'whatsapp:0037120000123' }), /^phone must be in international format/);
  const once = whatsapp.parseConfig({ phone: 'WhatsApp:+1 555 000 1111', down: true, up: true });
  t.same(whatsapp.parseConfig(once), once);
  const channel = whatsapp.open({ phone: '+37120000123', up: true, down: false });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [true, false]);
});

async function setup(t: Parameters<typeof testDatabase>[0], env: Record<string, string> = {}) {
  const fake = await startFakeTwilio(t);
  const { pool } = await testDatabase(t);
  const owner = await insertUser(pool);
  const project = await insertProject(pool, { owner_id: owner.id });
  const make = async (kind: string) => {
    const row = await insertChannel(pool, project.id, { kind, config: { phone: '+37120000123', up: true, down: true } });
    return (now = testNotice().now): Notice => ({ ...testNotice(), code: randomUUID(), now, channel: { code: row.code, name: '', unsubscribeKey: '' } });
  };
  const ctx = testSendContext(t, twilioEnv(fake, { ...ENABLED, ...env }), { db: pool });
  return { fake, pool, ctx, make, usage: () => usageThisMonth(pool, { userId: owner.id, projectId: null }, 'sms', '2026-01-01') };
}

const outcomes = (fake: FakeTwilio) => fake.created.map((c) => c.sid ?? 'refused');

t.test('an accepted message is counted; 21211 is permanent; a 5xx is retryable', async (t) => {
  const { fake, pool, ctx, make, usage } = await setup(t);
  const notice = await make('whatsapp');
  const channel = whatsapp.open({ phone: '+37120000123', up: true, down: true });
  await channel.send(notice(), ctx);
  t.same(outcomes(fake), ['SM00000000000000000000000000000000']);
  t.equal(fake.created[0]?.fields.To, 'whatsapp:+37120000123');
  t.equal((await pool.query('select count(*)::int as n from twilio_messages')).rows[0].n, 1);
  fake.failure = { status: 400, code: 21211, message: 'Invalid To' };
  await t.rejects(channel.send(notice(), ctx), { message: 'Invalid phone number', permanent: true });
  fake.failure = { status: 500 };
  await t.rejects(channel.send(notice(), ctx), { message: 'Received status code 500', permanent: false });
  t.equal(await usage(), 1);
});

t.test('WhatsApp and SMS share the monthly SMS_LIMIT', async (t) => {
  const { fake, ctx, make, usage } = await setup(t, { SMS_LIMIT: '2' });
  const viaWhatsapp = await make('whatsapp');
  const viaSms = await make('sms');
  await whatsapp.open({ phone: '+37120000123', down: true }).send(viaWhatsapp(), ctx);
  await sms.open({ phone: '+37120000123', down: true }).send(viaSms(), ctx);
  await t.rejects(whatsapp.open({ phone: '+37120000123', down: true }).send(viaWhatsapp(), ctx), { message: 'Monthly message limit exceeded', permanent: false });
  await t.rejects(sms.open({ phone: '+37120000123', down: true }).send(viaSms(), ctx), { message: 'Monthly SMS limit exceeded' });
  t.equal(fake.created.length, 2);
  t.equal(await usage(), 2);
});

t.test('without the WhatsApp settings, sends fail as not enabled', async (t) => {
  const { fake, ctx, make } = await setup(t);
  const notice = await make('whatsapp');
  const off = testSendContext(t, twilioEnv(fake, { ...ENABLED, WHATSAPP_UP_CONTENT_SID: '' }), { db: ctx.db });
  await t.rejects(whatsapp.open({ phone: '+37120000123' }).send(notice(), off), { message: 'WhatsApp notifications are not enabled', permanent: false });
  t.equal(fake.created.length, 0);
});
