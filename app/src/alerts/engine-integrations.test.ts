// Integrations that need the engine's help: a shared rate limit and a channel store.
import t from 'tap';
import { insertCheck, insertChannel, insertProject, insertUser } from '../testing/fixtures.ts';
import { startHttpReceiver } from '../testing/receivers.ts';
import { harness } from './testing.ts';

t.test('a burst of alerts to one Telegram chat sends six at once and the rest when the shared bucket refills', async (t) => {
  const receiver = await startHttpReceiver(t, {
    respond: (req) => (JSON.parse(req.body).chat_id === -5
      ? { status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -100999 } }) }
      : { status: 200, body: '{"ok":true}' }),
  });
  const h = await harness(t, { TELEGRAM_TOKEN: '1:abc', TELEGRAM_API_URL: receiver.url });
  const projectId = (await insertProject(h.ctx.pool, { owner_id: (await insertUser(h.ctx.pool)).id })).id;
  const last = new Date(h.clock.now.getTime() - 30 * 60_000);
  const checkIds: number[] = [];
  for (let i = 0; i < 8; i++) {
    const c = await insertCheck(h.ctx.pool, projectId, { name: `c${i}`, status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: last, n_pings: 1, alert_after: new Date(last.getTime() + 4200_000) });
    checkIds.push(c.id);
  }
  await insertChannel(h.ctx.pool, projectId, { kind: 'telegram', config: { id: -100999, reminder_interval: 3600 }, checkIds });
  h.clock.set('2026-01-15T12:45:00Z');
  const engine = h.engine();
  await engine.runOnce();
  const { rows } = await h.ctx.pool.query("select state, count(*)::int as n from deliveries group by state order by state");
  t.same(rows, [{ state: 'pending', n: 2 }, { state: 'sent', n: 6 }]);
  const errors = (await h.ctx.pool.query("select last_error, next_attempt_at from deliveries where state = 'pending'")).rows;
  t.same(errors.map((r) => r.last_error), ['Rate limit exceeded', 'Rate limit exceeded']);
  h.clock.set('2026-01-15T12:47:30Z');
  await engine.runOnce();
  const after = await h.ctx.pool.query("select state, count(*)::int as n from deliveries group by state order by state");
  t.same(after.rows, [{ state: 'sent', n: 8 }]);
  t.equal(receiver.requests.filter((r) => JSON.parse(r.body).chat_id === -100999).length, 8);
});

t.test('a Telegram group upgraded to a supergroup is followed, and its new chat id stored with the other settings', async (t) => {
  const receiver = await startHttpReceiver(t, {
    respond: (req) => (JSON.parse(req.body).chat_id === -123
      ? { status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -100999 } }) }
      : { status: 200, body: '{"ok":true}' }),
  });
  const h = await harness(t, { TELEGRAM_TOKEN: '1:abc', TELEGRAM_API_URL: receiver.url });
  const projectId = (await insertProject(h.ctx.pool, { owner_id: (await insertUser(h.ctx.pool)).id })).id;
  const last = new Date(h.clock.now.getTime() - 30 * 60_000);
  const c = await insertCheck(h.ctx.pool, projectId, { name: 'c', status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: last, n_pings: 1, alert_after: new Date(last.getTime() + 4200_000) });
  const channel = await insertChannel(h.ctx.pool, projectId, { kind: 'telegram', config: { id: -123, reminder_interval: 3600 }, checkIds: [c.id] });
  h.clock.set('2026-01-15T12:45:00Z');
  await h.engine().runOnce();
  const cfg = (await h.ctx.pool.query('select config from channels where id = $1', [channel.id])).rows[0].config;
  t.same(cfg, { id: -100999, thread_id: null, type: '', name: '', reminder_interval: 3600 });
  t.same((await h.ctx.pool.query('select state from deliveries')).rows, [{ state: 'sent' }]);
});
