// The ping path stores deadlines that are early, never late, and leaves them early while pings
// keep coming (so its updates are HOT); the engine moves them. Together: no false alert while
// the job keeps pinging, and the alert exactly at timeout + grace after the last ping.
import t from 'tap';
import { createHttpServer, listen } from '../http/server.ts';
import { insertCheck, insertChannel, insertProject, insertUser } from '../testing/fixtures.ts';
import { startHttpReceiver } from '../testing/receivers.ts';
import { harness } from './testing.ts';

t.test('a check pinged every 20 minutes for six hours never goes down, then goes down at timeout + grace after its last ping', async (t) => {
  const receiver = await startHttpReceiver(t);
  const h = await harness(t);
  const server = createHttpServer(h.ctx, { api: false });
  const port = await listen(server, '127.0.0.1', 0);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const projectId = (await insertProject(h.ctx.pool, { owner_id: (await insertUser(h.ctx.pool)).id })).id;
  const check = await insertCheck(h.ctx.pool, projectId, { name: 'Backups', timeout_seconds: 3600, grace_seconds: 600 });
  await insertChannel(h.ctx.pool, projectId, { kind: 'webhook', config: { url_down: `${receiver.url}/down`, url_up: `${receiver.url}/up` }, checkIds: [check.id] });
  const engine = h.engine();
  const deadline = async () => (await h.ctx.pool.query('select alert_after from checks where id = $1', [check.id])).rows[0].alert_after as Date;

  let earlyDeadlines = 0;
  for (let minute = 0; minute <= 360; minute += 20) {
    h.clock.set('2026-01-15T12:00:00Z');
    h.clock.advance(minute * 60);
    t.equal((await fetch(`http://127.0.0.1:${port}/ping/${check.code}`)).status, 200);
    const exact = h.clock.now.getTime() + 4_200_000;
    if ((await deadline()).getTime() < exact) earlyDeadlines++;
    // The engine runs ten minutes later: it finds early deadlines that passed and moves them.
    h.clock.advance(600);
    await engine.runOnce();
    t.ok((await deadline()).getTime() <= exact, `after ${minute} min the deadline is never later than the exact one`);
  }
  t.ok(earlyDeadlines > 0, 'pings left earlier deadlines in place (the HOT path)');
  t.same(receiver.requests, [], 'no alert while the job kept pinging');

  // Last ping at 18:00: the check must go down at 19:10, not a second earlier.
  h.clock.set('2026-01-15T19:09:59Z');
  await engine.runOnce();
  t.match((await h.ctx.pool.query('select status from checks where id = $1', [check.id])).rows, [{ status: 'up' }]);
  h.clock.set('2026-01-15T19:10:00Z');
  await engine.runOnce();
  const flips = await h.ctx.pool.query("select created_at, old_status, new_status, reason from flips where check_id = $1 and new_status = 'down'", [check.id]);
  t.same(flips.rows, [{ created_at: new Date('2026-01-15T19:10:00Z'), old_status: 'up', new_status: 'down', reason: 'timeout' }]);
  t.same(receiver.requests.map((r) => r.url), ['/down'], 'one alert, the real one');
});
