import t from 'tap';
import type { AppContext } from '../context.ts';
import { createPool } from '../db/pool.ts';
import { insertChannel, insertProject } from '../testing/fixtures.ts';
import { startHttpReceiver } from '../testing/receivers.ts';
import { harness } from './testing.ts';

t.test('two engines racing over 1,000 flips send every notification exactly once, each check in order', async (t) => {
  const h = await harness(t);
  const receiver = await startHttpReceiver(t);
  const project = await insertProject(h.ctx.pool);
  // 10 channels shared by 100 checks each, so that per-channel limits and ordering are exercised.
  const channels = [];
  for (let i = 0; i < 10; i++) {
    channels.push(await insertChannel(h.ctx.pool, project.id, {
      config: { method_down: 'POST', url_down: `${receiver.url}/down`, body_down: '$CODE', method_up: 'POST', url_up: `${receiver.url}/up`, body_up: '$CODE' },
    }));
  }
  // 500 checks whose deadline has passed (both engines' scans race to flip them) and 250
  // checks that went down and up while no engine ran (two flips each, written by pings).
  await h.ctx.pool.query(
    `insert into checks (code, badge_key, project_id, name, status, timeout_seconds, grace_seconds, last_ping, alert_after)
     select gen_random_uuid(), gen_random_uuid(), $1, 'c' || i, 'up', 3600, 600, $2, $3
       from generate_series(1, 750) as i`,
    [project.id, new Date('2026-01-15T10:00:00Z'), new Date('2026-01-15T11:10:00Z')],
  );
  await h.ctx.pool.query(
    `update checks set alert_after = null, last_ping = '2026-01-15T11:50:00Z' where name in (select 'c' || i from generate_series(501, 750) as i)`,
  );
  await h.ctx.pool.query(
    `insert into flips (check_id, created_at, old_status, new_status, reason)
     select id, '2026-01-15T11:30:00Z'::timestamptz, 'up', 'down', 'fail' from checks where alert_after is null
     union all
     select id, '2026-01-15T11:50:00Z', 'down', 'up', '' from checks where alert_after is null
     order by 2, 1`,
  );
  await h.ctx.pool.query(
    `insert into check_channels (check_id, channel_id)
     select c.id, ch.ids[1 + c.id % 10]
       from checks c, (select array_agg(id order by id) as ids from channels) ch`,
  );
  t.equal(channels.length, 10);

  const otherPool = createPool(h.url, 10);
  t.teardown(() => otherPool.end());
  const otherCtx: AppContext = { ...h.ctx, pool: otherPool };
  const engines = [h.engine({ batchSize: 100, claimBatch: 50 }), h.engine({ batchSize: 100, claimBatch: 50 }, otherCtx)];
  h.clock.set('2026-01-15T12:00:00Z');
  for (let round = 0; round < 20; round++) {
    await Promise.all(engines.map((e) => e.runOnce()));
    const { rows } = await h.ctx.pool.query("select count(*)::int as n from deliveries where state = 'pending'");
    const unprocessed = await h.ctx.pool.query('select count(*)::int as n from flips where processed_at is null');
    if (rows[0].n === 0 && unprocessed.rows[0].n === 0) break;
  }

  const flips = await h.ctx.pool.query("select reason, count(*)::int as n from flips group by reason order by reason");
  t.same(flips.rows, [{ reason: '', n: 250 }, { reason: 'fail', n: 250 }, { reason: 'timeout', n: 500 }], 'one timeout flip per overdue check');
  const states = await h.ctx.pool.query('select state, count(*)::int as n from deliveries group by state');
  t.same(states.rows, [{ state: 'sent', n: 1000 }]);
  t.equal(receiver.requests.length, 1000, 'exactly one request per notification');
  const keys = new Set(receiver.requests.map((r) => r.headers['idempotency-key']));
  t.equal(keys.size, 1000, 'no idempotency key seen twice');

  const seen = new Map<string, string[]>();
  for (const r of receiver.requests) seen.set(r.body, [...(seen.get(r.body) ?? []), r.url]);
  const doubles = [...seen.values()].filter((urls) => urls.length === 2);
  t.equal(doubles.length, 250);
  t.ok(doubles.every((urls) => urls[0] === '/down' && urls[1] === '/up'), 'down before up for every check that flipped twice');
  const logged = await h.ctx.pool.query("select count(*)::int as n from notifications where error = ''");
  t.same(logged.rows, [{ n: 1000 }]);
});
