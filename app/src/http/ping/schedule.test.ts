import http from 'node:http';
import t from 'tap';
import { parseSchedule, ScheduleError, type Schedule, type ScheduleKind } from '../../core/schedule/index.ts';
import { listen } from '../server.ts';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { createPingHandler } from './handler.ts';
import { ScheduleCache, type ScheduleParser } from './schedule-cache.ts';
import { readCheck } from './test-support.ts';

const HOUR = 3_600_000;

/** A stand-in schedule engine: "@hourly" fires on every full hour; "@never" never again; anything else is refused. */
const fakeEngine: ScheduleParser = (kind: ScheduleKind, expression: string, tz: string): Schedule => {
  if (tz !== 'UTC') throw new ScheduleError('only UTC here');
  if (expression === '@hourly') {
    return { next: (after) => new Date((Math.floor(after.getTime() / HOUR) + 1) * HOUR), prev: () => null };
  }
  if (expression === '@never') return { next: () => null, prev: () => null };
  throw new ScheduleError(`${kind} expression not understood`);
};

/** A second ping server on the test server's context, with the fake schedule engine. */
async function serverWithEngine(t: { teardown(fn: () => Promise<void>): void }, base: TestServer, parse: ScheduleParser): Promise<string> {
  const server = http.createServer(createPingHandler(base.ctx, { parseSchedule: parse }));
  const port = await listen(server, '127.0.0.1', 0);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${port}`;
}

const alertAfter = async (base: TestServer, id: number) => (await readCheck(base.pool, id)).alert_after as Date | null;

t.test('when the schedule engine refuses the expression, a cron check gets an early alert_after: ping time + grace', async (t) => {
  const base = await startTestServer(t);
  const refusing: ScheduleParser = () => {
    throw new ScheduleError('not understood');
  };
  const url = await serverWithEngine(t, base, refusing);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, { kind: 'cron', schedule: '0 3 * * *', grace_seconds: 600 });
  base.clock.set('2026-01-15T12:00:00Z');
  t.equal((await fetch(`${url}/ping/${check.code}`)).status, 200);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:10:00Z'), 'early: ping time + grace');
  base.clock.set('2026-01-15T12:05:00Z');
  t.equal((await fetch(`${url}/ping/${check.code}`)).status, 200);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:10:00Z'), 'a ping never moves a deadline later; the alert engine does');
});

t.test('the real server uses core/schedule: a cron check coming up gets its next fire time + grace', async (t) => {
  const base = await startTestServer(t);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, { kind: 'cron', schedule: '0 3 * * *', grace_seconds: 600 });
  base.clock.set('2026-01-15T12:00:00Z');
  await fetch(`${base.url}/ping/${check.code}/log`);
  t.equal(await alertAfter(base, check.id), null, 'a log ping teaches the schedule and sets no deadline');
  base.clock.set('2026-01-15T12:05:00Z');
  await fetch(`${base.url}/ping/${check.code}`);
  t.same(parseSchedule('cron', '0 3 * * *', 'UTC').next(new Date('2026-01-15T12:05:00Z')), new Date('2026-01-16T03:00:00Z'), "the engine's answer");
  t.same(await alertAfter(base, check.id), new Date('2026-01-16T03:10:00Z'));
});

t.test('with the engine, a cron check whose schedule this process knows gets the exact deadline', async (t) => {
  const base = await startTestServer(t);
  const url = await serverWithEngine(t, base, fakeEngine);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, { kind: 'cron', schedule: '@hourly', grace_seconds: 600 });
  base.clock.set('2026-01-15T12:20:00Z');
  await fetch(`${url}/ping/${check.code}`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:30:00Z'), 'first ping: schedule not yet known here, early');
  await base.pool.query('update checks set alert_after = null where id = $1', [check.id]); // as if nothing were stored
  base.clock.set('2026-01-15T13:05:00Z');
  await fetch(`${url}/ping/${check.code}`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T14:10:00Z'), 'second ping: next fire 14:00 + grace');
});

t.test('a schedule changed since the last ping is noticed and the deadline falls back to early', async (t) => {
  const base = await startTestServer(t);
  const url = await serverWithEngine(t, base, fakeEngine);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, { kind: 'oncalendar', schedule: '@hourly', grace_seconds: 600 });
  base.clock.set('2026-01-15T12:20:00Z');
  await fetch(`${url}/ping/${check.code}/log`);
  await base.pool.query(`update checks set schedule = '@never' where id = $1`, [check.id]);
  base.clock.set('2026-01-15T12:40:00Z');
  await fetch(`${url}/ping/${check.code}`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:50:00Z'), 'stale guess refused: ping time + grace');
  base.clock.set('2026-01-15T12:45:00Z');
  await fetch(`${url}/ping/${check.code}`);
  t.equal(await alertAfter(base, check.id), null, 'learnt: a schedule that never fires again never goes down');
});

t.test('a schedule that never fires again still times out a running job', async (t) => {
  const base = await startTestServer(t);
  const url = await serverWithEngine(t, base, fakeEngine);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, {
    kind: 'cron',
    schedule: '@never',
    grace_seconds: 600,
  });
  base.clock.set('2026-01-15T12:00:00Z');
  await fetch(`${url}/ping/${check.code}/log`); // learn the schedule
  await fetch(`${url}/ping/${check.code}/start?rid=11111111-1111-4111-8111-111111111111`);
  base.clock.set('2026-01-15T12:01:00Z');
  await fetch(`${url}/ping/${check.code}?rid=22222222-2222-4222-8222-222222222222`);
  t.match(await readCheck(base.pool, check.id), { status: 'up', last_start: new Date('2026-01-15T12:00:00Z'), alert_after: new Date('2026-01-15T12:10:00Z') });
});

t.test('start, fail and log on a cron check keep alert_after early or exact', async (t) => {
  const base = await startTestServer(t);
  const url = await serverWithEngine(t, base, fakeEngine);
  const check = await insertCheck(base.pool, (await insertProject(base.pool)).id, { kind: 'cron', schedule: '@hourly', grace_seconds: 600 });
  base.clock.set('2026-01-15T12:20:00Z');
  await fetch(`${url}/ping/${check.code}/log`);
  t.equal(await alertAfter(base, check.id), null, 'a log ping on a new check leaves no deadline');
  await fetch(`${url}/ping/${check.code}`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T13:10:00Z'), 'exact: learnt from the log ping');
  base.clock.set('2026-01-15T12:30:00Z');
  await fetch(`${url}/ping/${check.code}/log`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T13:10:00Z'), 'log: unchanged');
  await fetch(`${url}/ping/${check.code}/start`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:40:00Z'), 'start: start + grace, earlier than the schedule');
  base.clock.set('2026-01-15T12:58:00Z');
  await fetch(`${url}/ping/${check.code}/start`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T12:40:00Z'), 'a later start never moves the deadline later (early is safe)');
  await fetch(`${url}/ping/${check.code}/fail`);
  t.equal(await alertAfter(base, check.id), null, 'down: no deadline');
  base.clock.set('2026-01-15T13:02:00Z');
  await fetch(`${url}/ping/${check.code}`);
  t.same(await alertAfter(base, check.id), new Date('2026-01-15T14:10:00Z'), 'back up: exact again');
});

t.test('the schedule cache forgets simple checks, refuses nothing it cannot compute, and stays bounded', async (t) => {
  const cache = new ScheduleCache(fakeEngine, 2);
  const now = new Date('2026-01-15T12:20:00Z');
  cache.learn('a', 'cron', '@hourly', 'UTC');
  t.same(cache.candidate('a', now), { kind: 'cron', expression: '@hourly', tz: 'UTC', next: new Date('2026-01-15T13:00:00Z') });
  cache.learn('a', 'simple', '* * * * *', 'UTC');
  t.equal(cache.candidate('a', now), null, 'simple checks need no guess');
  cache.learn('b', 'cron', 'nonsense', 'UTC');
  t.equal(cache.candidate('b', now), null, 'an expression the engine refuses gives no guess');
  const lru = new ScheduleCache(fakeEngine, 2);
  lru.learn('p', 'cron', '@hourly', 'UTC');
  lru.learn('q', 'cron', '@hourly', 'UTC');
  t.not(lru.candidate('p', now), null, 'p used, so q is now the least recently used');
  lru.learn('r', 'cron', '@hourly', 'UTC');
  t.equal(lru.size, 2);
  t.equal(lru.candidate('q', now), null, 'q evicted');
  t.not(lru.candidate('p', now), null);
  t.not(lru.candidate('r', now), null);
  const throwing = new ScheduleCache(() => ({ next: () => { throw new Error('boom'); }, prev: () => null }), 10);
  throwing.learn('x', 'cron', '@hourly', 'UTC');
  t.equal(throwing.candidate('x', now), null, 'an engine failure gives no guess');
});
