import t from 'tap';
import { startHttpReceiver } from '../testing/receivers.ts';
import { checkWithWebhook, harness } from './testing.ts';

t.test('a channel with reminder_interval repeats the down notification while the check stays down, then stops', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const { check } = await checkWithWebhook(h, receiver.url, {
    lastPing: new Date('2026-01-15T10:00:00Z'),
    webhook: { reminder_interval: 3600 },
  });
  const engine = h.engine();
  h.clock.set('2026-01-15T11:30:00Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 1, 'the down alert');
  const row = await h.ctx.pool.query('select next_at, sent from reminders');
  t.same(row.rows, [{ next_at: new Date('2026-01-15T12:10:00Z'), sent: 0 }], 'first reminder one interval after the flip');

  h.clock.set('2026-01-15T12:09:00Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 1, 'not before it is due');
  h.clock.set('2026-01-15T12:10:00Z');
  await engine.runOnce();
  h.clock.set('2026-01-15T13:10:30Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 3, 'two reminders');
  t.same(receiver.requests.map((r) => r.body), [
    'down 2026-01-15T11:10:00+00:00 Backups',
    'down 2026-01-15T12:10:00+00:00 Backups',
    'down 2026-01-15T13:10:30+00:00 Backups',
  ]);
  const kinds = await h.ctx.pool.query("select kind, summary->>'event' as event, summary->>'downSince' as down_since from deliveries order by id");
  t.same(kinds.rows.map((r) => [r.kind, r.event]), [['flip', 'flip'], ['reminder', 'reminder'], ['reminder', 'reminder']]);
  t.equal(kinds.rows[1].down_since, '2026-01-15T11:10:00.000Z');

  // The check comes back: the up alert goes out and reminders stop.
  await h.ctx.pool.query("update checks set status = 'up', last_ping = $2, alert_after = $3 where id = $1", [check.id, new Date('2026-01-15T13:30:00Z'), new Date('2026-01-15T14:40:00Z')]);
  await h.ctx.pool.query("insert into flips (check_id, created_at, old_status, new_status) values ($1, '2026-01-15T13:30:00Z', 'down', 'up')", [check.id]);
  h.clock.set('2026-01-15T13:31:00Z');
  await engine.runOnce();
  h.clock.set('2026-01-15T14:20:00Z');
  await engine.runOnce();
  t.same(receiver.requests.map((r) => r.method), ['POST', 'POST', 'POST', 'GET']);
  t.equal((await h.ctx.pool.query('select 1 from reminders')).rowCount, 0);
});

t.test('a reminder queued but not yet sent is cancelled when the check comes back up', async (t) => {
  const h = await harness(t);
  let up = false;
  const receiver = await startHttpReceiver(t, { respond: (req) => ({ status: req.method === 'POST' && req.body && up ? 503 : 200 }) });
  const { check } = await checkWithWebhook(h, receiver.url, { lastPing: new Date('2026-01-15T10:00:00Z'), webhook: { reminder_interval: 3600 } });
  const engine = h.engine();
  h.clock.set('2026-01-15T11:30:00Z');
  await engine.runOnce();
  up = true;
  h.clock.set('2026-01-15T12:10:00Z');
  await engine.runOnce();
  t.equal(receiver.requests.length, 2, 'the reminder was tried and failed');
  await h.ctx.pool.query("update checks set status = 'up' where id = $1", [check.id]);
  await h.ctx.pool.query("insert into flips (check_id, created_at, old_status, new_status) values ($1, '2026-01-15T12:20:00Z', 'down', 'up')", [check.id]);
  h.clock.set('2026-01-15T12:20:00Z');
  await engine.runOnce();
  const rows = await h.ctx.pool.query('select kind, status, state from deliveries order by id');
  t.same(rows.rows, [
    { kind: 'flip', status: 'down', state: 'sent' },
    { kind: 'reminder', status: 'down', state: 'cancelled' },
    { kind: 'flip', status: 'up', state: 'sent' },
  ]);
});
