import t from 'tap';
import { createLogger } from '../log.ts';
import { insertCheck, insertChannel } from '../testing/fixtures.ts';
import { startHttpReceiver } from '../testing/receivers.ts';
import { checkWithWebhook, harness } from './testing.ts';

const iso = (date: Date) => date.toISOString();

t.test('a check whose deadline passes goes down once, dated at its deadline, and its webhook hears it', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const lastPing = new Date('2026-01-15T10:00:00Z');
  const { check, channel } = await checkWithWebhook(h, receiver.url, { lastPing });
  h.clock.set('2026-01-15T11:09:59Z');
  const engine = h.engine();
  await engine.runOnce();
  t.equal(receiver.requests.length, 0, 'not down one second before timeout + grace');

  h.clock.set('2026-01-15T11:30:00Z');
  await engine.runOnce();
  await engine.runOnce();
  const flips = await h.ctx.pool.query('select old_status, new_status, reason, created_at, processed_at from flips where check_id = $1', [check.id]);
  t.same(flips.rows, [{ old_status: 'up', new_status: 'down', reason: 'timeout', created_at: new Date('2026-01-15T11:10:00Z'), processed_at: h.clock.now }]);
  const stored = await h.ctx.pool.query('select status, alert_after from checks where id = $1', [check.id]);
  t.same(stored.rows, [{ status: 'down', alert_after: null }]);

  t.equal(receiver.requests.length, 1);
  const [request] = receiver.requests;
  t.equal(request?.method, 'POST');
  t.equal(request?.url, `/down/${check.code}`);
  t.equal(request?.body, 'down 2026-01-15T11:10:00+00:00 Backups');
  const delivery = await h.ctx.pool.query('select state, attempts, code, sent_at, last_error from deliveries');
  t.same(delivery.rows, [{ state: 'sent', attempts: 1, code: request?.headers['idempotency-key'], sent_at: h.clock.now, last_error: '' }]);
  const log = await h.ctx.pool.query('select check_status, error, channel_id, check_id from notifications');
  t.same(log.rows, [{ check_status: 'down', error: '', channel_id: channel.id, check_id: check.id }]);
  const ch = await h.ctx.pool.query('select last_notify, last_error, disabled from channels where id = $1', [channel.id]);
  t.same(ch.rows, [{ last_notify: h.clock.now, last_error: '', disabled: false }]);
});

t.test('a check in its grace time stays up, its early alert_after is pushed to the end of grace', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const lastPing = new Date('2026-01-15T10:00:00Z');
  // As the ping path may store it: the start of grace, not its end.
  const { check } = await checkWithWebhook(h, receiver.url, { lastPing, check: { alert_after: new Date('2026-01-15T11:00:00Z') } });
  h.clock.set('2026-01-15T11:05:00Z');
  await h.engine().runOnce();
  const stored = await h.ctx.pool.query('select status, alert_after from checks where id = $1', [check.id]);
  t.same(stored.rows, [{ status: 'up', alert_after: new Date('2026-01-15T11:10:00Z') }]);
  t.equal((await h.ctx.pool.query('select 1 from flips')).rowCount, 0);
  t.equal(receiver.requests.length, 0);
});

t.test('a check started and never finished goes down grace after the start', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { check } = await checkWithWebhook(h, receiver.url, {
    check: { status: 'new', last_ping: null, n_pings: 1, last_start: new Date('2026-01-15T11:00:00Z'), alert_after: new Date('2026-01-15T11:10:00Z') },
  });
  h.clock.set('2026-01-15T11:10:00Z');
  await h.engine().runOnce();
  const flips = await h.ctx.pool.query('select old_status, new_status, reason, created_at from flips where check_id = $1', [check.id]);
  t.same(flips.rows, [{ old_status: 'new', new_status: 'down', reason: 'timeout', created_at: new Date('2026-01-15T11:10:00Z') }]);
  t.equal(receiver.requests.length, 1, 'new→down notifies');
});

t.test('a check whose status cannot be computed is pushed forward an hour and the others are served', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const lastPing = new Date('2026-01-15T10:00:00Z');
  const poison = await checkWithWebhook(h, receiver.url, {
    lastPing,
    check: { kind: 'cron', schedule: 'this is not a schedule', alert_after: new Date('2026-01-15T10:30:00Z') },
  });
  const healthy = await checkWithWebhook(h, receiver.url, { lastPing, projectId: poison.projectId, check: { name: 'Healthy' } });
  h.clock.set('2026-01-15T12:00:00Z');
  const lines: string[] = [];
  const log = createLogger('warn', { write: (line: string) => void lines.push(line) });
  await h.engine({}, { ...h.ctx, log }).runOnce();
  const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.check === poison.check.code);
  t.match(warning, { msg: 'check status cannot be computed; trying again in one hour', retryAt: '2026-01-15T13:00:00.000Z' });
  const rows = await h.ctx.pool.query('select id, status, alert_after from checks order by id');
  t.same(rows.rows, [
    { id: poison.check.id, status: 'up', alert_after: new Date('2026-01-15T13:00:00Z') },
    { id: healthy.check.id, status: 'down', alert_after: null },
  ]);
  t.same(receiver.requests.map((r) => r.url), [`/down/${healthy.check.code}`]);
});

t.test('up→down→up while no engine runs sends both notifications, in order, with their real times', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { check } = await checkWithWebhook(h, receiver.url, { check: { alert_after: new Date('2026-01-15T13:00:00Z') } });
  // What the ping path writes: a fail ping, then a success ping, each with its flip.
  await h.ctx.pool.query(
    `insert into flips (check_id, created_at, old_status, new_status, reason)
     values ($1, '2026-01-15T11:00:00Z', 'up', 'down', 'fail'), ($1, '2026-01-15T11:20:00Z', 'down', 'up', '')`,
    [check.id],
  );
  h.clock.set('2026-01-15T12:00:00Z');
  await h.engine().runOnce();
  t.same(receiver.requests.map((r) => `${r.method} ${r.url} ${r.body}`), [
    `POST /down/${check.code} down 2026-01-15T11:00:00+00:00 Backups`,
    // In URLs values are quoted, as Healthchecks quotes them.
    `GET /up/${check.code}?now=2026-01-15T11%3A20%3A00%2B00%3A00 `,
  ]);
});

t.test('new→up and paused→up flips notify nobody and are marked processed', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { check } = await checkWithWebhook(h, receiver.url, { check: { alert_after: null } });
  await h.ctx.pool.query(
    `insert into flips (check_id, created_at, old_status, new_status) values ($1, $2, 'new', 'up'), ($1, $2, 'paused', 'up')`,
    [check.id, h.clock.now],
  );
  await h.engine().runOnce();
  t.equal(receiver.requests.length, 0);
  const flips = await h.ctx.pool.query('select count(*)::int as n from flips where processed_at is null');
  t.same(flips.rows, [{ n: 0 }]);
  t.equal((await h.ctx.pool.query('select 1 from deliveries')).rowCount, 0);
});

t.test('disabled channels and channels for which the direction is a no-op get no delivery', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { check, projectId } = await checkWithWebhook(h, receiver.url);
  const upOnly = await insertChannel(h.ctx.pool, projectId, { config: { url_up: `${receiver.url}/up-only` }, checkIds: [check.id] });
  const disabled = await insertChannel(h.ctx.pool, projectId, { config: { url_down: `${receiver.url}/disabled` }, checkIds: [check.id] });
  await h.ctx.pool.query('update channels set disabled = true where id = $1', [disabled.id]);
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine().runOnce();
  t.same(receiver.requests.map((r) => r.url), [`/down/${check.code}`]);
  t.equal(upOnly.kind, 'webhook');
});

t.test('each check and channel hears its flips in order even when the first send keeps failing', async (t) => {
  const h = await harness(t);
  let failing = true;
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: failing ? 503 : 200 }) });
  const { check } = await checkWithWebhook(h, receiver.url, { check: { alert_after: null } });
  await h.ctx.pool.query(
    `insert into flips (check_id, created_at, old_status, new_status, reason)
     values ($1, '2026-01-15T11:00:00Z', 'up', 'down', 'fail'), ($1, '2026-01-15T11:20:00Z', 'down', 'up', '')`,
    [check.id],
  );
  const engine = h.engine();
  await engine.runOnce();
  t.same(receiver.requests.map((r) => r.method), ['POST'], 'the up notification waits behind the failing down one');
  failing = false;
  h.clock.advance(3600);
  await engine.runOnce();
  t.same(receiver.requests.map((r) => r.method), ['POST', 'POST', 'GET']);
  const rows = await h.ctx.pool.query('select status, state, attempts from deliveries order by id');
  t.same(rows.rows, [
    { status: 'down', state: 'sent', attempts: 2 },
    { status: 'up', state: 'sent', attempts: 1 },
  ]);
});

t.test('the stored summary names the other down checks of the project and the last ping before the flip', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const a = await checkWithWebhook(h, receiver.url, { lastPing: new Date('2026-01-15T10:00:00Z') });
  await insertCheck(h.ctx.pool, a.projectId, { name: 'Mail queue', status: 'down' });
  await insertCheck(h.ctx.pool, a.projectId, { name: 'Healthy', status: 'up' });
  await h.ctx.pool.query(
    `insert into pings (check_id, n, created_at, kind, scheme, remote_addr, body, exit_status)
     values ($1, 1, '2026-01-15T10:00:00Z', 'success', 'https', '192.0.2.7', 'all good', 0),
            ($1, 2, '2026-01-15T11:20:00Z', 'log', 'https', '192.0.2.7', 'after the flip', null)`,
    [a.check.id],
  );
  h.clock.set('2026-01-15T14:00:00Z');
  await h.engine().runOnce();
  const { rows } = await h.ctx.pool.query(`select summary->'otherDown' as other, summary->'lastPing' as ping, summary->>'reason' as reason from deliveries`);
  t.same(rows[0].other, { names: ['Mail queue'], count: 1 });
  t.match(rows[0].ping, { n: 1, kind: 'success', body: 'all good', exitStatus: 0, remoteAddr: '192.0.2.7' });
  t.equal(rows[0].reason, 'timeout');
  t.equal(iso(new Date(rows[0].ping.at)), '2026-01-15T10:00:00.000Z');
});
