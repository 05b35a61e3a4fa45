import t from 'tap';
import { createAlertEngine } from '../../alerts/engine.ts';
import { insertCheck, insertChannel } from '../../testing/fixtures.ts';
import { startFakeTwilio, TEST_AUTH, twilioEnv, type FakeTwilio } from '../../integrations/twilio/testing.ts';
import { twilioSignature } from '../../integrations/twilio/signature.ts';
import { apiFixture, type ApiFixture } from '../api/testing.ts';

type TestLike = Parameters<typeof apiFixture>[0];

async function setup(t: TestLike, env: Record<string, string> = {}) {
  const fake = await startFakeTwilio(t);
  const f = await apiFixture(t, { INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', ...twilioEnv(fake), ...env });
  return { fake, f };
}

/** An SMS channel of the fixture's project, and a test SMS sent through it by the API. */
async function testSms(f: ApiFixture, kind = 'sms') {
  const channel = await insertChannel(f.pool, f.project.id, { kind, name: 'Phone', config: { phone: '+37120000123', up: true, down: true } });
  const res = await f.api(`/api/v3/channels/${channel.code}/test`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`test send failed: ${res.status} ${await res.text()}`);
  return channel;
}

const state = async (f: ApiFixture) => ({
  notifications: (await f.pool.query('select check_status, error from notifications order by id')).rows,
  channels: (await f.pool.query('select last_error, disabled from channels order by id')).rows,
  messages: (await f.pool.query('select status, error from twilio_messages order by created_at')).rows,
});

const codeOf = (fake: FakeTwilio, i = 0) => /notifications\/([0-9a-f-]+)\/status$/.exec(fake.created[i]?.fields.StatusCallback ?? '')?.[1] ?? '';

t.test('Twilio reporting an undelivered test SMS marks the notification and the channel', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f);
  t.equal(fake.created[0]?.fields.StatusCallback, `${f.url}/api/v3/notifications/${codeOf(fake)}/status`);

  const delivered = await fake.callback(0, 'sent');
  t.same([delivered.status, await delivered.text()], [200, '']);
  t.same(await state(f), {
    notifications: [{ check_status: 'test', error: '' }],
    channels: [{ last_error: '', disabled: false }],
    messages: [{ status: 'sent', error: '' }],
  });
  const undelivered = await fake.callback(0, 'undelivered', { extra: { ErrorCode: '30003' } });
  t.equal(undelivered.status, 200);
  t.same(await state(f), {
    notifications: [{ check_status: 'test', error: 'Delivery failed (status=undelivered).' }],
    channels: [{ last_error: 'Delivery failed (status=undelivered).', disabled: false }],
    messages: [{ status: 'undelivered', error: 'Delivery failed (status=undelivered).' }],
  });
});

t.test('a failed delivery of an engine alert marks the notification that sent it', async (t) => {
  const { fake, f } = await setup(t);
  const lastPing = new Date(f.clock.now.getTime() - 2 * 3600_000);
  const check = await insertCheck(f.pool, f.project.id, {
    name: 'Backups', status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: lastPing, n_pings: 1, alert_after: new Date(lastPing.getTime() + 4200_000),
  });
  await insertChannel(f.pool, f.project.id, { kind: 'sms', config: { phone: '+37120000123', up: true, down: true }, checkIds: [check.id] });
  const engine = createAlertEngine(f.ctx, { random: () => 0.5 });
  t.teardown(() => engine.stop(0));
  await engine.runOnce();
  t.equal(fake.created.length, 1);
  t.match(fake.created[0]?.fields.Body, /The check "Backups" is DOWN/);
  const delivery = await f.pool.query('select code, state from deliveries');
  t.same(delivery.rows, [{ code: codeOf(fake), state: 'sent' }], 'the callback URL carries the delivery\'s code');

  f.clock.advance(600);
  t.equal((await fake.callback(0, 'failed')).status, 200);
  t.same(await state(f), {
    notifications: [{ check_status: 'down', error: 'Delivery failed (status=failed).' }],
    channels: [{ last_error: 'Delivery failed (status=failed).', disabled: false }],
    messages: [{ status: 'failed', error: 'Delivery failed (status=failed).' }],
  });
});

t.test('a failed call is reported; an unanswered one is only recorded', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f, 'call');
  t.equal(fake.created[0]?.resource, 'Calls');
  await fake.callback(0, 'no-answer');
  t.same((await state(f)).notifications, [{ check_status: 'test', error: '' }]);
  t.same((await state(f)).messages, [{ status: 'no-answer', error: '' }]);
  await fake.callback(0, 'failed');
  t.same((await state(f)).notifications, [{ check_status: 'test', error: 'Delivery failed (status=failed).' }]);
});

t.test('a callback not signed with TWILIO_AUTH is refused and changes nothing', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f);
  const before = await state(f);
  const forged = await fake.callback(0, 'failed', { auth: 'not-the-token' });
  t.same([forged.status, await forged.text()], [403, 'invalid signature']);
  t.equal((await fake.callback(0, 'failed', { signature: '' })).status, 403, 'no signature');
  // A valid signature of other parameters: the status was changed on the way.
  const url = `${f.url}/api/v3/notifications/${codeOf(fake)}/status`;
  const sid = fake.created[0]?.sid ?? '';
  const signature = twilioSignature(TEST_AUTH, url, [['MessageSid', sid], ['MessageStatus', 'delivered']]);
  const tampered = await fetch(url, { method: 'POST', headers: { 'X-Twilio-Signature': signature }, body: new URLSearchParams({ MessageSid: sid, MessageStatus: 'failed' }) });
  t.equal(tampered.status, 403);
  t.same(await state(f), before);
});

t.test('without TWILIO_AUTH every callback is refused', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f);
  Object.assign(f.ctx, { config: { ...f.ctx.config, integrations: { ...f.ctx.config.integrations, twilio: { ...f.ctx.config.integrations.twilio, auth: null } } } });
  t.equal((await fake.callback(0, 'failed')).status, 403);
  t.same((await state(f)).messages, [{ status: '', error: '' }]);
});

t.test('reports about messages over an hour old, or unknown, are answered 200 and ignored', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f);
  f.clock.advance(3601);
  t.equal((await fake.callback(0, 'failed')).status, 200);
  t.same((await state(f)).notifications, [{ check_status: 'test', error: '' }]);
  t.same((await state(f)).messages, [{ status: '', error: '' }]);

  const unknown = `${f.url}/api/v3/notifications/00000000-0000-4000-8000-000000000000/status`;
  const params: Array<[string, string]> = [['MessageSid', 'SM00000000000000000000000000000000'], ['MessageStatus', 'failed']];
  const res = await fetch(unknown, { method: 'POST', headers: { 'X-Twilio-Signature': twilioSignature(TEST_AUTH, unknown, params) }, body: new URLSearchParams(params) });
  t.same([res.status, await res.text()], [200, '']);
});

t.test('a report about an older copy of a notification sent again does not blame the newer one', async (t) => {
  const { fake, f } = await setup(t);
  const channel = await testSms(f);
  const code = codeOf(fake);
  const later = new Date(f.clock.now.getTime() + 60_000);
  await f.pool.query('insert into twilio_messages (sid, code, channel_id, created_at) select $1, $2, id, $3 from channels where code = $4', [
    'SM0000000000000000000000000000ffff', code, later, channel.code,
  ]);
  await fake.callback(0, 'undelivered');
  const after = await state(f);
  t.same(after.notifications, [{ check_status: 'test', error: '' }]);
  t.same(after.channels, [{ last_error: '', disabled: false }]);
  t.same(after.messages[0], { status: 'undelivered', error: 'Delivery failed (status=undelivered).' }, 'the old copy keeps its own record');
});

t.test('the route answers on every API version, POST only, for canonical codes', async (t) => {
  const { fake, f } = await setup(t);
  await testSms(f);
  const code = codeOf(fake);
  const sid = fake.created[0]?.sid ?? '';
  const post = (path: string) => {
    const url = `${f.url}${path}`;
    const params: Array<[string, string]> = [['MessageSid', sid], ['MessageStatus', 'undelivered']];
    return fetch(url, { method: 'POST', headers: { 'X-Twilio-Signature': twilioSignature(TEST_AUTH, url, params) }, body: new URLSearchParams(params) });
  };
  t.equal((await post(`/api/v1/notifications/${code}/status`)).status, 200);
  t.same((await state(f)).notifications, [{ check_status: 'test', error: 'Delivery failed (status=undelivered).' }]);
  t.equal((await post(`/api/v3/notifications/${code.toUpperCase()}/status`)).status, 404);
  t.equal((await post('/api/v3/notifications/not-a-uuid/status')).status, 404);
  const get = await fetch(`${f.url}/api/v3/notifications/${code}/status`);
  t.same([get.status, get.headers.get('allow')], [405, 'POST']);
});

t.test('behind a proxy, the signature is checked against SITE_ROOT, not the Host the request came with', async (t) => {
  const fake = await startFakeTwilio(t);
  const f = await apiFixture(t, { INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', ...twilioEnv(fake), SITE_ROOT: 'https://cw.example.org/hc' });
  await testSms(f);
  const callback = fake.created[0]?.fields.StatusCallback ?? '';
  t.match(callback, /^https:\/\/cw\.example\.org\/hc\/api\/v3\/notifications\/[0-9a-f-]{36}\/status$/);
  const params: Array<[string, string]> = [['MessageSid', fake.created[0]?.sid ?? ''], ['MessageStatus', 'failed']];
  const local = `${f.url}${new URL(callback).pathname.slice('/hc'.length)}`;
  const asProxied = await fetch(local, { method: 'POST', headers: { 'X-Twilio-Signature': twilioSignature(TEST_AUTH, callback, params) }, body: new URLSearchParams(params) });
  t.equal(asProxied.status, 200);
  t.same((await state(f)).notifications, [{ check_status: 'test', error: 'Delivery failed (status=failed).' }]);
  const signedForHost = await fetch(local, { method: 'POST', headers: { 'X-Twilio-Signature': twilioSignature(TEST_AUTH, local, params) }, body: new URLSearchParams(params) });
  t.equal(signedForHost.status, 403);
});
