// The Signal integration inside the real alert engine and API: PostgreSQL, a controlled clock,
// a private bus with a fake signal-cli, and an SMTP server for the admins' and owners' emails.
import t from 'tap';
import { harness } from '../../alerts/testing.ts';
import { apiFixture } from '../../http/api/testing.ts';
import { runSignal } from '../../cli/signal.ts';
import { startPrivateBus } from '../../testing/dbus.ts';
import { insertCheck, insertChannel, insertProject, insertUser } from '../../testing/fixtures.ts';
import { startSmtpReceiver } from '../../testing/receivers.ts';
import { startFakeSignalCli } from './fake-signal-cli.ts';

type TestLike = Parameters<typeof startPrivateBus>[0];

async function setUp(t: TestLike) {
  const smtp = await startSmtpReceiver(t);
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address);
  const h = await harness(t, {
    SIGNAL_ENABLED: 'true',
    SIGNAL_DBUS_ADDRESS: bus.address,
    ADMINS: 'root@example.org',
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(smtp.port),
    EMAIL_USE_TLS: 'false',
    DEFAULT_FROM_EMAIL: 'Cronwarden <alerts@cw.example.org>',
  });
  const owner = await insertUser(h.ctx.pool);
  const projectId = (await insertProject(h.ctx.pool, { owner_id: owner.id })).id;
  const lastPing = new Date('2026-01-15T11:30:00Z');
  const check = await insertCheck(h.ctx.pool, projectId, {
    name: 'Backups', status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: lastPing, n_pings: 1, alert_after: new Date('2026-01-15T12:40:00Z'),
  });
  const channel = await insertChannel(h.ctx.pool, projectId, { kind: 'signal', name: 'Ops phone', config: { recipient: '+4915112345678' }, checkIds: [check.id] });
  // Past the deadline (12:30) and the grace time (12:40).
  h.clock.set('2026-01-15T13:00:00Z');
  return { h, smtp, bus, fake, owner, channel };
}

const deliveries = async (h: Awaited<ReturnType<typeof harness>>) =>
  (await h.ctx.pool.query('select kind, state, attempts, last_error, next_attempt_at from deliveries order by id')).rows;

t.test('a check going down reaches signal-cli through the alert engine', async (t) => {
  const { h, fake } = await setUp(t);
  await h.engine().runOnce();
  t.equal(fake.calls.length, 1);
  const [text, attachments, recipients] = fake.calls[0]?.args ?? [];
  t.match(text, /^"Backups" is DOWN \(success signal did not arrive on time, grace time passed\)\.\n/);
  t.match(text, /\nStatus changed to down at: Thu, 15 Jan 2026 12:40:00 GMT$/);
  t.same([attachments, recipients], [[], ['+4915112345678']]);
  t.match(await deliveries(h), [{ kind: 'flip', state: 'sent', attempts: 1, last_error: '' }]);
});

t.test('a CAPTCHA demand holds the delivery for an hour, tells the admins, and the message goes out after the challenge is submitted', async (t) => {
  const { h, fake, smtp } = await setUp(t);
  fake.queue('sendMessage', {
    error: 'org.asamk.Signal.Error.Failure',
    text: 'Failure: \nFailed to send message:\nCAPTCHA proof required for sending to "+4915112345678", available options "CAPTCHA" with challenge token "tok-e", or wait "86400" seconds.\n(instructions)\n1768478400000',
  });
  const engine = h.engine();
  await engine.runOnce();
  // Signal said a day; the engine waits at most an hour between attempts.
  t.same(await deliveries(h), [{ kind: 'flip', state: 'pending', attempts: 1, last_error: 'CAPTCHA proof required', next_attempt_at: new Date('2026-01-15T14:00:00Z') }]);
  const channel = await h.ctx.pool.query('select disabled, last_error from channels');
  t.same(channel.rows, [{ disabled: false, last_error: 'CAPTCHA proof required' }], 'a CAPTCHA never disables the channel');
  t.same(smtp.messages.map((m) => [m.to, m.parsed.subject]), [[['root@example.org'], 'Signal CAPTCHA proof required']]);

  h.clock.set('2026-01-15T13:59:00Z');
  await engine.runOnce();
  t.equal(fake.calls.length, 1, 'not tried again before the wait is over');

  const io = { out: () => {}, err: () => {} };
  t.equal(await runSignal(['submit-challenge', 'tok-e', 'signalcaptcha://solved'], io, h.ctx.config), 0);
  h.clock.set('2026-01-15T14:00:00Z');
  await engine.runOnce();
  t.same(fake.calls.map((c) => c.member), ['sendMessage', 'submitRateLimitChallenge', 'sendMessage']);
  t.match(await deliveries(h), [{ kind: 'flip', state: 'sent', attempts: 2 }]);
});

t.test('a recipient without a Signal account disables the channel and tells the project owner', async (t) => {
  const { h, fake, smtp, owner } = await setUp(t);
  fake.queue('sendMessage', { error: 'org.asamk.Signal.Error.Failure', text: 'Failure: \nFailed to send message:\nUnregistered user "+4915112345678"\n1768478400000' });
  await h.engine().runOnce();
  const channel = await h.ctx.pool.query('select disabled, last_error from channels');
  t.same(channel.rows, [{ disabled: true, last_error: 'Recipient not found' }]);
  t.match(await deliveries(h), [
    { kind: 'flip', state: 'failed', attempts: 1, last_error: 'Recipient not found' },
    { kind: 'notice', state: 'sent' },
  ]);
  t.same(smtp.messages.map((m) => [m.to, m.parsed.subject]), [[[owner.email], 'Integration disabled: Ops phone (Test project)']]);
  t.match(smtp.messages[0]?.parsed.text, /disabled the Signal integration "Ops phone" of project "Test project".*\n\n {4}Recipient not found\n/s);
});

t.test('the API creates Signal channels from Healthchecks-style settings and sends test notifications through the bus', async (t) => {
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address);
  const f = await apiFixture(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: bus.address });
  const bad = await f.api('/api/v3/channels/', { json: { kind: 'signal', config: { value: '0151 1234 5678' } } });
  t.same([bad.status, await bad.json()], [400, { error: 'recipient must be a phone number in international format (+ and 5 to 15 digits) or a Signal username (name.123)' }]);
  const res = await f.api('/api/v3/channels/', { json: { kind: 'signal', name: 'Phone', config: { value: '+49 151 1234 5678', up: false } } });
  const doc = (await res.json()) as { id: string; config: unknown };
  t.equal(res.status, 201);
  t.same(doc.config, { recipient: '+4915112345678', up: false, down: true });
  const test = await f.api(`/api/v3/channels/${doc.id}/test`, { method: 'POST' });
  t.same([test.status, await test.json()], [200, { status: 'sent', direction: 'down' }]);
  t.match(fake.calls.map((c) => c.args), [[/^"TEST" is DOWN \(success signal did not arrive on time, grace time passed\)\.\n/, [], ['+4915112345678']]]);
  fake.queue('sendMessage', { error: 'org.asamk.Signal.Error.Failure', text: 'Failure: \nFailed to send message:\nUnregistered user "+4915112345678"\n1768478400000' });
  const refused = await f.api(`/api/v3/channels/${doc.id}/test`, { method: 'POST' });
  t.same([refused.status, await refused.json()], [502, { error: 'Could not send a test notification: Recipient not found', permanent: true }]);
});
