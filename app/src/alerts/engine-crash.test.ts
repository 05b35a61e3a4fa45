import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startHttpReceiver } from '../testing/receivers.ts';
import { checkWithWebhook, harness } from './testing.ts';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');

t.test('an engine killed with SIGKILL mid-send is replaced after its lease: sent again, recorded once', async (t) => {
  const h = await harness(t);
  let hang = true;
  const receiver = await startHttpReceiver(t, { respond: () => (hang ? new Promise(() => {}) : { status: 200 }) });
  const { check } = await checkWithWebhook(h, receiver.url);
  const now = new Date('2026-01-15T14:00:00Z');
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, CW_CHILD_DATABASE_URL: h.url, CW_CHILD_NOW: now.toISOString() },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(proc, 'exit');
  await receiver.waitFor(1);
  proc.kill('SIGKILL');
  const [code, signal] = await exited;
  t.same([code, signal], [null, 'SIGKILL']);

  const claimed = await h.ctx.pool.query('select state, attempts, next_attempt_at, lease_token is not null as leased from deliveries');
  t.same(claimed.rows, [{ state: 'pending', attempts: 1, next_attempt_at: new Date('2026-01-15T14:02:00Z'), leased: true }], 'the dead claim holds its lease');

  hang = false;
  const engine = h.engine();
  h.clock.set('2026-01-15T14:01:59Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 1, 'nobody resends while the lease holds');
  h.clock.set('2026-01-15T14:02:00Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 2, 'resent after the lease expired');
  t.equal(receiver.requests[0]?.headers['idempotency-key'], receiver.requests[1]?.headers['idempotency-key'], 'with the same idempotency key');
  t.equal(receiver.requests[1]?.url, `/down/${check.code}`);

  const done = await h.ctx.pool.query('select state, attempts, sent_at from deliveries');
  t.same(done.rows, [{ state: 'sent', attempts: 2, sent_at: h.clock.now }]);
  const log = await h.ctx.pool.query('select check_status, error from notifications');
  t.same(log.rows, [{ check_status: 'down', error: '' }], 'recorded once as sent');
  const flips = await h.ctx.pool.query('select processed_at from flips');
  t.same(flips.rows, [{ processed_at: now }], 'the flip was dispatched once, by the killed engine');
});
