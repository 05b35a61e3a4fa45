import t from 'tap';
import { insertCheck } from '../testing/fixtures.ts';
import { startHttpReceiver, startSmtpReceiver } from '../testing/receivers.ts';
import { scanDeadlines } from './deadlines.ts';
import { dispatchFlips } from './dispatch.ts';
import { checkWithWebhook, harness } from './testing.ts';

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

t.test('a failing target is retried with exponential backoff until the horizon, then the delivery fails', async (t) => {
  const h = await harness(t, { ALERTS_RETRY_HORIZON: '7200' });
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 500 }) });
  await checkWithWebhook(h, receiver.url);
  h.clock.set('2026-01-15T14:00:00Z');
  const queuedAt = h.clock.now;
  const engine = h.engine();
  const offsets: number[] = [];
  for (let attempt = 1; attempt <= 20; attempt++) {
    await engine.runOnce();
    const { rows } = await h.ctx.pool.query('select state, next_attempt_at, attempts, last_error from deliveries');
    t.equal(rows[0].attempts, attempt);
    t.equal(rows[0].last_error, 'Received status code 500');
    if (rows[0].state !== 'pending') break;
    offsets.push(seconds(queuedAt, rows[0].next_attempt_at));
    h.clock.set(rows[0].next_attempt_at.toISOString());
  }
  // Jitter fixed at 0.5: each wait is 3/4 of 30 s · 2^(n-1), capped at 3600 s before jitter.
  t.same(offsets, [22.5, 67.5, 157.5, 337.5, 697.5, 1417.5, 2857.5, 5557.5]);
  const { rows } = await h.ctx.pool.query('select state, attempts, finished_at from deliveries');
  t.same(rows, [{ state: 'failed', attempts: 9, finished_at: h.clock.now }]);
  t.equal(receiver.requests.length, 9);
  t.equal(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size, 1, 'every attempt carries the same idempotency key');
  const log = await h.ctx.pool.query("select count(*)::int as n from notifications where error = 'Received status code 500'");
  t.same(log.rows, [{ n: 9 }], 'every attempt is logged');
  const channel = await h.ctx.pool.query('select disabled, last_error from channels');
  t.same(channel.rows, [{ disabled: false, last_error: 'Received status code 500' }], 'a transient error never disables');
});

t.test('a Retry-After from the target sets the next attempt', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 429, headers: { 'Retry-After': '300' } }) });
  await checkWithWebhook(h, receiver.url);
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine().runOnce();
  const { rows } = await h.ctx.pool.query('select next_attempt_at from deliveries');
  t.same(rows, [{ next_attempt_at: new Date('2026-01-15T14:05:00Z') }]);
});

t.test('a permanent error disables the channel, cancels its queue and emails the project owner', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const h = await harness(t, { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false', DEFAULT_FROM_EMAIL: 'Cronwarden <alerts@cw.example.org>' });
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 404 }) });
  const { check, channel, projectId } = await checkWithWebhook(h, receiver.url);
  const second = await insertCheck(h.ctx.pool, projectId, { name: 'Second', status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: check.last_ping, alert_after: check.alert_after });
  await h.ctx.pool.query('insert into check_channels (check_id, channel_id) values ($1, $2)', [second.id, channel.id]);
  await h.ctx.pool.query("update channels set name = 'Ops hook' where id = $1", [channel.id]);
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine({ perChannelLimit: 1 }).runOnce();

  t.equal(receiver.requests.length, 1, 'after the first 404 nothing more is sent to the channel');
  const ch = await h.ctx.pool.query('select disabled, disabled_at, last_error from channels');
  t.same(ch.rows, [{ disabled: true, disabled_at: h.clock.now, last_error: 'Received status code 404' }]);
  const deliveries = await h.ctx.pool.query('select kind, state, attempts, last_error from deliveries order by id');
  t.same(deliveries.rows, [
    { kind: 'flip', state: 'failed', attempts: 1, last_error: 'Received status code 404' },
    { kind: 'flip', state: 'cancelled', attempts: 1, last_error: 'channel disabled' },
    { kind: 'notice', state: 'sent', attempts: 1, last_error: '' },
  ]);
  t.equal(smtp.messages.length, 1);
  const [mail] = smtp.messages;
  const owner = await h.ctx.pool.query('select u.email from users u join projects p on p.owner_id = u.id where p.id = $1', [projectId]);
  t.same(mail?.to, [owner.rows[0].email]);
  t.equal(mail?.parsed.subject, 'Integration disabled: Ops hook (Test project)');
  t.match(mail?.parsed.text, /disabled the Webhook integration "Ops hook" of project "Test project"/);
  t.match(mail?.parsed.text, /Received status code 404/);
});

t.test('a notification the target refuses for its content fails at once; the channel stays enabled', async (t) => {
  const refusal = { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["\'payload.summary\' is missing or blank"]}' };
  const receiver = await startHttpReceiver(t, { respond: () => refusal });
  const h = await harness(t, { PD_EVENTS_URL: receiver.url });
  const { channel } = await checkWithWebhook(h, receiver.url);
  await h.ctx.pool.query("update channels set kind = 'pd', config = $2 where id = $1", [channel.id, { routing_key: 'e93facc04764012d7bfb002500d5d1a6' }]);
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine().runOnce();
  const { rows } = await h.ctx.pool.query('select state, attempts, finished_at from deliveries');
  t.same(rows, [{ state: 'failed', attempts: 1, finished_at: h.clock.now }], 'no retry is scheduled');
  const ch = await h.ctx.pool.query('select disabled, last_error from channels');
  t.same(ch.rows, [{ disabled: false, last_error: `Received status code 400 with a message: "'payload.summary' is missing or blank"` }]);
  const notices = await h.ctx.pool.query("select count(*)::int as n from deliveries where kind = 'notice'");
  t.same(notices.rows, [{ n: 0 }], 'the owner is not told of a disabled channel');

  h.clock.set('2026-01-15T20:00:00Z');
  await h.engine().runOnce();
  t.equal(receiver.requests.length, 1, 'the refused notification is never sent again');
});

t.test('a channel disabled after its delivery was queued is not sent to', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { channel } = await checkWithWebhook(h, receiver.url);
  h.clock.set('2026-01-15T14:00:00Z');
  await scanDeadlines(h.ctx);
  await dispatchFlips(h.ctx);
  // Unsubscribed (or disabled through the API) between queueing and sending.
  await h.ctx.pool.query('update channels set disabled = true where id = $1', [channel.id]);
  await h.engine().runOnce();
  t.equal(receiver.requests.length, 0);
  const { rows } = await h.ctx.pool.query('select state, last_error from deliveries');
  t.same(rows, [{ state: 'cancelled', last_error: 'channel disabled' }]);
});

t.test('stopping gives the leases of sends in flight back', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t, { respond: () => new Promise(() => {}) });
  await checkWithWebhook(h, receiver.url);
  h.clock.set('2026-01-15T14:00:00Z');
  const engine = h.engine({ pollMs: 10 });
  engine.start();
  await receiver.waitFor(1);
  await engine.stop(50);
  const { rows } = await h.ctx.pool.query('select state, attempts, lease_token, next_attempt_at from deliveries');
  t.same(rows, [{ state: 'pending', attempts: 0, lease_token: null, next_attempt_at: h.clock.now }]);
});

t.test('a target that does not answer does not hold up another channel', async (t) => {
  const h = await harness(t);
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  // The slow target answers only once the other target has been reached: if sends waited
  // for each other, the slow one would time out and the test would see it fail.
  const slow = await startHttpReceiver(t, { respond: () => released.then(() => ({ status: 200 })) });
  const fast = await startHttpReceiver(t, {
    respond: () => {
      release();
      return { status: 200 };
    },
  });
  const a = await checkWithWebhook(h, slow.url);
  await checkWithWebhook(h, fast.url, { projectId: a.projectId, check: { name: 'Other' } });
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine({ sendTimeoutMs: 10_000 }).runOnce();
  const { rows } = await h.ctx.pool.query('select state, attempts, last_error from deliveries order by id');
  t.same(rows, [
    { state: 'sent', attempts: 1, last_error: '' },
    { state: 'sent', attempts: 1, last_error: '' },
  ]);
});

t.test('a send that outlives its deadline fails as a timeout and is retried', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t, { respond: () => new Promise(() => {}) });
  await checkWithWebhook(h, receiver.url);
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine({ sendTimeoutMs: 200 }).runOnce();
  const { rows } = await h.ctx.pool.query('select state, attempts, last_error, next_attempt_at from deliveries');
  t.same(rows, [{ state: 'pending', attempts: 1, last_error: 'Connection timed out', next_attempt_at: new Date('2026-01-15T14:00:22.500Z') }]);
});
