// A batch must leave exactly what the same pings sent one at a time leave. Both runs replay one
// seeded random sequence (every form, action, run id, filter and error the rules distinguish)
// into two fresh databases, then compare every row.
import t from 'tap';
import type pg from 'pg';
import { pingRecord } from '../../http/ping/test-support.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertChannel, insertCheck, insertProject } from '../../testing/fixtures.ts';
import { recordPing, recordPings, type PingRecord } from './pings.ts';

const T0 = Date.parse('2026-01-15T12:00:00Z');
const PING_KEY = 'batchbatchbatchbatch00';
const CODES = [
  '11111111-1111-4111-8111-000000000001',
  '11111111-1111-4111-8111-000000000002',
  '11111111-1111-4111-8111-000000000003',
  '11111111-1111-4111-8111-000000000004',
  '11111111-1111-4111-8111-000000000005',
];
const RIDS = [null, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function setUp(pool: pg.Pool): Promise<void> {
  const project = await insertProject(pool, { ping_key: PING_KEY });
  await insertChannel(pool, project.id);
  await insertCheck(pool, project.id, { code: CODES[0], slug: 'alpha', timeout_seconds: 120, grace_seconds: 60 });
  await insertCheck(pool, project.id, { code: CODES[1], methods: 'POST' });
  await insertCheck(pool, project.id, { code: CODES[2], filter_http_body: true, failure_kw: 'ERROR', success_kw: 'done', start_kw: 'begin' });
  await insertCheck(pool, project.id, { code: CODES[3], kind: 'cron', schedule: '0 * * * *', status: 'paused', manual_resume: true });
  await insertCheck(pool, project.id, { code: CODES[4], kind: 'cron', schedule: '*/5 * * * *', grace_seconds: 300 });
}

function pings(seed: number, count: number): PingRecord[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const target = pick(['uuid', 'uuid', 'uuid', 'alpha', 'beta', 'beta-create', 'missing'] as const);
    const action = pick(['success', 'success', 'start', 'fail', 'log'] as const);
    const slug = target === 'alpha' ? 'alpha' : target === 'missing' ? 'nobody' : 'beta';
    return pingRecord(target === 'uuid' ? pick(CODES) : null, {
      pingKey: target === 'uuid' ? null : PING_KEY,
      slug: target === 'uuid' ? null : slug,
      create: target === 'beta-create',
      action,
      exitStatus: action === 'fail' && next() < 0.5 ? 3 : null,
      rid: pick(RIDS),
      requestError: next() < 0.05 ? 'invalid uuid format' : null,
      method: next() < 0.3 ? 'GET' : 'POST',
      body: Buffer.from(pick(['', 'all done', 'ERROR: disk', 'begin backup', 'please confirm'])),
      hasConfirmationLink: false,
      now: new Date(T0 + i * 7_000),
      logLimit: 7,
      schedule: null,
    });
  });
}

async function snapshot(pool: pg.Pool) {
  const checks = await pool.query(
    `select id, slug, status, n_pings, last_ping, last_start, last_start_rid, last_duration_ms, alert_after
       from checks order by id`,
  );
  const logged = await pool.query(
    'select check_id, n, created_at, kind, rid, exit_status, duration_ms, body, method from pings order by check_id, n',
  );
  const flips = await pool.query('select check_id, created_at, old_status, new_status, reason from flips order by check_id, created_at');
  const links = await pool.query('select check_id, channel_id from check_channels order by check_id, channel_id');
  return { checks: checks.rows, pings: logged.rows, flips: flips.rows, links: links.rows };
}

for (const seed of [1, 2, 3]) {
  t.test(`batches of any size leave what single pings leave (seed ${seed})`, async (t) => {
    const sequence = pings(seed, 900);
    const alone = await testDatabase(t);
    const together = await testDatabase(t);
    await setUp(alone.pool);
    await setUp(together.pool);

    const single: string[] = [];
    for (const ping of sequence) single.push((await recordPing(alone.pool, ping)).outcome);
    const batched: string[] = [];
    const sizes = random(seed + 100);
    for (let i = 0; i < sequence.length; ) {
      const size = 1 + Math.floor(sizes() * 60);
      batched.push(...(await recordPings(together.pool, sequence.slice(i, i + size))).map((r) => r.outcome));
      i += size;
    }

    t.same(batched, single, 'same answers');
    t.ok(single.includes('Created') && single.includes('not found') && single.includes('invalid uuid format'), 'the sequence covers creation and errors');
    const a = await snapshot(alone.pool);
    const b = await snapshot(together.pool);
    t.same(b.checks, a.checks, 'same checks');
    t.same(b.pings, a.pings, 'same ping log');
    t.same(b.flips, a.flips, 'same flips');
    t.same(b.links, a.links, 'same channels');
    t.ok(a.pings.some((p) => p.duration_ms !== null) && a.flips.length > 0, 'the sequence covers durations and flips');
    t.ok(a.checks.some((c) => c.n_pings >= 100), 'and pruning');
  });
}
