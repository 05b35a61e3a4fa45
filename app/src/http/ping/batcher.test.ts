import { randomUUID } from 'node:crypto';
import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { testDatabase } from '../../testing/db.ts';
import { PingBatcher } from './batcher.ts';
import { pingRecord as record, readCheck, readPings } from './test-support.ts';

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
  const batcher = new PingBatcher(() => counting, { concurrency: 1, maxBatch: 100, maxBatchBytes: 1 << 20 });
  const results = await Promise.all([
    batcher.record(record(a.code, { action: 'start', body: Buffer.from('first') })),
    batcher.record(record(a.code, { body: Buffer.from('second') })),
    batcher.record(record(null, { pingKey: project.ping_key, slug: 'bee', action: 'fail' })),
    batcher.record(record(randomUUID())),
    batcher.record(record(a.code, { action: 'fail', body: Buffer.from('third') })),
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
  const batcher = new PingBatcher(() => pool, { concurrency: 1, maxBatch: 100, maxBatchBytes: 1 << 20 });
  const outcomes = await Promise.allSettled([
    batcher.record(record(check.code, { body: Buffer.from('one') })),
    batcher.record(record(check.code, { body: Buffer.from('two') })),
    // An exit status the smallint column cannot hold: only a bug could send it (the handler refuses > 255).
    batcher.record(record(check.code, { exitStatus: 70_000, action: 'fail' })),
    batcher.record(record(check.code, { body: Buffer.from('three') })),
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
  const batcher = new PingBatcher(() => counting, { concurrency: 1, maxBatch: 3, maxBatchBytes: 100 });
  const bodies = ['first', 'a', 'b', 'c', 'd', 'x'.repeat(150), 'e'];
  await Promise.all(bodies.map((body) => batcher.record(record(check.code, { action: 'log', body: Buffer.from(body), logLimit: 1000 }))));
  // [first] alone, then [a b c] (3 at most), then [d] (the next body would pass 100 bytes),
  // then the 150-byte body alone, then [e].
  t.equal(statements, 5);
  t.same((await readPings(pool, check.id)).map((p) => p.body?.toString()), bodies, 'all recorded, in order');
});
