import { randomUUID } from 'node:crypto';
import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { testDatabase } from '../../testing/db.ts';
import type { PingRecord } from '../../db/queries/pings.ts';
import { laneOf, PingBatcher } from './batcher.ts';
import { pingRecord as record, readCheck, readPings } from './test-support.ts';

/** Queues a ping under its URL target, as the handler does. */
const put = (batcher: PingBatcher, ping: PingRecord) => batcher.record(ping, ping.code ?? `${ping.pingKey}/${ping.slug}`);

t.test('pings queued behind a busy statement go together and each gets its own answer', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  const a = await insertCheck(pool, project.id);
  const b = await insertCheck(pool, project.id, { slug: 'bee' });
  let statements = 0;
  const counting = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: Parameters<typeof pool.query>) => (statements++, target.query(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  const batcher = new PingBatcher(() => counting, { lanes: 1, maxBatch: 100, maxBatchBytes: 1 << 20 });
  const results = await Promise.all([
    put(batcher, record(a.code, { action: 'start', body: Buffer.from('first') })),
    put(batcher, record(a.code, { body: Buffer.from('second') })),
    put(batcher, record(null, { pingKey: project.ping_key, slug: 'bee', action: 'fail' })),
    put(batcher, record(randomUUID())),
    put(batcher, record(a.code, { action: 'fail', body: Buffer.from('third') })),
  ]);
  t.same(results.map((r) => r.outcome), ['OK', 'OK', 'OK', 'not found', 'OK']);
  t.equal(statements, 2, 'the first ping alone, the four that queued behind it in one statement');
  t.same((await readPings(pool, a.id)).map((p) => [p.n, p.kind, p.body?.toString()]), [
    [1, 'start', 'first'],
    [2, 'success', 'second'],
    [3, 'fail', 'third'],
  ], 'pings to one check keep their arrival order');
  t.match(await readCheck(pool, b.id), { status: 'down', n_pings: 1 });
});

t.test('a ping that cannot be stored fails alone; the rest of its batch is recorded', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  const check = await insertCheck(pool, project.id);
  const batcher = new PingBatcher(() => pool, { lanes: 1, maxBatch: 100, maxBatchBytes: 1 << 20 });
  const outcomes = await Promise.allSettled([
    put(batcher, record(check.code, { body: Buffer.from('one') })),
    put(batcher, record(check.code, { body: Buffer.from('two') })),
    // An exit status the smallint column cannot hold: only a bug could send it (the handler refuses > 255).
    put(batcher, record(check.code, { exitStatus: 70_000, action: 'fail' })),
    put(batcher, record(check.code, { body: Buffer.from('three') })),
  ]);
  t.same(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  t.same((await readPings(pool, check.id)).map((p) => p.body?.toString()), ['one', 'two', 'three']);
  t.equal((await readCheck(pool, check.id)).n_pings, 3);
});

t.test('a batch stops at its size and byte limits; a body over the byte limit goes alone', async (t) => {
  const { pool } = await testDatabase(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  let statements = 0;
  const counting = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: Parameters<typeof pool.query>) => (statements++, target.query(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  const batcher = new PingBatcher(() => counting, { lanes: 1, maxBatch: 3, maxBatchBytes: 100 });
  const bodies = ['first', 'a', 'b', 'c', 'd', 'x'.repeat(150), 'e'];
  await Promise.all(bodies.map((body) => put(batcher, record(check.code, { action: 'log', body: Buffer.from(body), logLimit: 1000 }))));
  // [first] alone, then [a b c] (3 at most), then [d] (the next body would pass 100 bytes),
  // then the 150-byte body alone, then [e].
  t.equal(statements, 5);
  t.same((await readPings(pool, check.id)).map((p) => p.body?.toString()), bodies, 'all recorded, in order');
});

t.test('with two lanes, pings to different checks are written at the same time and one check keeps its order', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  // Two checks whose UUIDs fall in different lanes.
  const a = await insertCheck(pool, project.id);
  let b = await insertCheck(pool, project.id);
  while (laneOf(b.code, 2) === laneOf(a.code, 2)) b = await insertCheck(pool, project.id);
  let inFlight = 0;
  let mostAtOnce = 0;
  const tracking = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<typeof pool.query>) => {
        mostAtOnce = Math.max(mostAtOnce, ++inFlight);
        try {
          return await target.query(...args);
        } finally {
          inFlight--;
        }
      };
    },
  });
  const batcher = new PingBatcher(() => tracking, { lanes: 2, maxBatch: 100, maxBatchBytes: 1 << 20 });
  const kinds = ['start', 'success', 'fail', 'log', 'success'] as const;
  await Promise.all([
    ...kinds.map((action) => put(batcher, record(a.code, { action }))),
    ...kinds.map((action) => put(batcher, record(b.code, { action }))),
  ]);
  t.equal(mostAtOnce, 2, 'one statement per lane in flight at once');
  for (const check of [a, b]) {
    t.same((await readPings(pool, check.id)).map((p) => p.kind), ['start', 'success', 'fail', 'log', 'success'], 'arrival order kept');
    t.match(await readCheck(pool, check.id), { n_pings: 5, status: 'up' });
  }
});

t.test('a target always maps to the same lane, and targets spread over the lanes', async (t) => {
  const counts = [0, 0];
  for (let i = 0; i < 1000; i++) {
    const target = randomUUID();
    t.equal(laneOf(target, 2), laneOf(target, 2));
    counts[laneOf(target, 2)]!++;
  }
  t.ok(counts.every((n) => n > 400), `balanced: ${counts.join(' / ')}`);
  t.equal(laneOf('abc', 1), 0);
});
