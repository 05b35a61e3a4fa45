import t from 'tap';
import { createPool } from '../db/pool.ts';
import { pruneTokenBuckets } from '../db/queries/token-buckets.ts';
import { testDatabase } from '../testing/db.ts';
import { insertChannel, insertProject } from '../testing/fixtures.ts';
import { createChannelStore, createRateLimiter, secondsUntilToken } from './stores.ts';

const T0 = new Date('2026-01-15T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

t.test('a bucket lets 6 through at once, then one every 10 seconds', async (t) => {
  const db = await testDatabase(t);
  const limiter = createRateLimiter(db.pool);
  const waits: Array<number | null> = [];
  for (let i = 0; i < 7; i++) waits.push(await limiter.take('telegram:-100', 6, 60, T0));
  t.same(waits, [null, null, null, null, null, null, 10]);
  t.equal(await limiter.take('telegram:-100', 6, 60, at(4)), 6, 'the wait shrinks as the bucket refills');
  t.equal(await limiter.take('telegram:-100', 6, 60, at(10)), null);
  t.equal(await limiter.take('telegram:-100', 6, 60, at(10)), 10);
  t.equal(await limiter.take('telegram:other', 6, 60, at(10)), null, 'another key has its own bucket');
});

t.test('an idle bucket refills to its capacity, not beyond', async (t) => {
  const db = await testDatabase(t);
  const limiter = createRateLimiter(db.pool);
  await limiter.take('k', 6, 60, T0);
  let granted = 0;
  for (let i = 0; i < 10; i++) if ((await limiter.take('k', 6, 60, at(3600))) === null) granted++;
  t.equal(granted, 6);
});

t.test('a clock behind the stored time refills nothing and moves nothing back', async (t) => {
  const db = await testDatabase(t);
  const limiter = createRateLimiter(db.pool);
  for (let i = 0; i < 6; i++) await limiter.take('k', 6, 60, at(60));
  t.equal(await limiter.take('k', 6, 60, T0), 10);
  const { rows } = await db.pool.query<{ updated_at: Date }>('select updated_at from token_buckets');
  t.same(rows.map((r) => r.updated_at.toISOString()), [at(60).toISOString()]);
});

t.test('engines sharing the database share the bucket: of 30 concurrent takes exactly 6 succeed', async (t) => {
  const db = await testDatabase(t);
  const other = createPool(db.url, 10);
  t.teardown(() => other.end());
  const limiters = [createRateLimiter(db.pool), createRateLimiter(other)];
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => limiters[i % 2]!.take('ntfy:https://ntfy.sh alerts', 6, 60, T0)));
  t.equal(results.filter((r) => r === null).length, 6);
});

t.test('keys are stored as digests; buckets untouched for long are pruned', async (t) => {
  const db = await testDatabase(t);
  const limiter = createRateLimiter(db.pool);
  await limiter.take('ntfy:https://ntfy.sh secret-topic', 6, 60, T0);
  await limiter.take('telegram:1', 6, 60, at(600));
  const { rows } = await db.pool.query<{ key: string }>('select key from token_buckets order by updated_at');
  t.match(rows.map((r) => r.key), [/^[0-9a-f]{64}$/, /^[0-9a-f]{64}$/]);
  t.equal(await pruneTokenBuckets(db.pool, at(300)), 1);
  t.equal((await db.pool.query('select 1 from token_buckets')).rowCount, 1);
});

t.test('the wait is computed from the stored level and the time since', async (t) => {
  t.equal(secondsUntilToken({ tokens: 0, updated_at: T0 }, 6, 60, T0), 10);
  t.equal(secondsUntilToken({ tokens: 0.5, updated_at: T0 }, 6, 60, at(2)), 3);
  t.equal(secondsUntilToken({ tokens: 0, updated_at: T0 }, 6, 60, at(30)), 0);
});

t.test('a channel store replaces the settings only while they are what was read', async (t) => {
  const db = await testDatabase(t);
  const project = await insertProject(db.pool);
  const channel = await insertChannel(db.pool, project.id, { kind: 'telegram', config: { id: -1, thread_id: null, type: 'group', name: 'Ops' } });
  const store = createChannelStore(db.pool, channel.id);
  const read = async () => (await db.pool.query('select config from channels where id = $1', [channel.id])).rows[0]?.config;
  const before = await read();
  t.equal(await store.replaceConfig(before, { ...before, id: -1002 }), true);
  t.equal((await read()).id, -1002);
  t.equal(await store.replaceConfig(before, { ...before, id: -1003 }), false, 'stale: the stored settings changed since');
  t.equal((await read()).id, -1002);
});
