import t from 'tap';
import { pingRecord, readCheck, readFlips, readPings } from '../../http/ping/test-support.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import type { Queryable } from '../pool.ts';
import { recordPing, recordPings, type PingRecord } from './pings.ts';

const T0 = Date.parse('2026-01-15T12:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const RID_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const RID_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

type Step = [seconds: number, action: PingRecord['action'], fields?: Partial<PingRecord>];

async function play(db: Queryable, code: string, steps: Step[]): Promise<void> {
  for (const [seconds, action, fields] of steps) await recordPing(db, pingRecord(code, { action, now: at(seconds), ...fields }));
}

interface DurationCase {
  name: string;
  steps: Step[];
  /** duration_ms of every logged ping, in order. */
  durations: Array<number | null>;
  lastDuration?: number | null;
  check?: Record<string, unknown>;
}

// Healthchecks' Ping.duration / prepare_durations, case by case.
const durationCases: DurationCase[] = [
  { name: 'a success measures from the start before it', steps: [[0, 'start'], [90, 'success']], durations: [null, 90_000], lastDuration: 90_000 },
  { name: 'a failure is measured too', steps: [[0, 'start'], [5.5, 'fail']], durations: [null, 5_500], lastDuration: 5_500 },
  { name: 'the first ping has none', steps: [[0, 'success']], durations: [null], lastDuration: null },
  { name: 'log pings in between do not matter', steps: [[0, 'start'], [10, 'log'], [20, 'log'], [30, 'success']], durations: [null, null, null, 30_000] },
  { name: 'a second success after one start has none', steps: [[0, 'start'], [10, 'success'], [20, 'success']], durations: [null, 10_000, null], lastDuration: null },
  { name: 'the latest start counts', steps: [[0, 'start'], [10, 'start'], [25, 'success']], durations: [null, null, 15_000] },
  {
    name: 'run ids pair starts and ends, overlapping runs included',
    steps: [[0, 'start', { rid: RID_A }], [5, 'start', { rid: RID_B }], [20, 'success', { rid: RID_A }], [40, 'fail', { rid: RID_B }]],
    durations: [null, null, 20_000, 35_000],
  },
  {
    name: 'a success without run id does not end a run that has one',
    steps: [[0, 'start', { rid: RID_A }], [10, 'success']],
    durations: [null, null],
    lastDuration: null,
    check: { last_start: null },
  },
  {
    name: 'the log pairs by run id even where the check\'s own timer was reset by another run\'s failure',
    steps: [[0, 'start', { rid: RID_A }], [10, 'fail', { rid: RID_B }], [30, 'success', { rid: RID_A }]],
    durations: [null, null, 30_000],
    lastDuration: null,
  },
  { name: 'a start 72 hours old or older is unrelated', steps: [[0, 'start'], [72 * 3600, 'success']], durations: [null, null], lastDuration: 72 * 3600 * 1000 },
  { name: 'just under 72 hours still counts', steps: [[0, 'start'], [72 * 3600 - 0.001, 'success']], durations: [null, 72 * 3600 * 1000 - 1] },
  {
    name: 'ignored pings are skipped when looking back',
    steps: [[0, 'start'], [10, 'success', { method: 'GET' }], [30, 'success']],
    durations: [null, null, 30_000],
    check: { methods: 'POST' },
  },
];

t.test('each success and failure stores its duration as Healthchecks would compute it from the log', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  for (const c of durationCases) {
    const check = await insertCheck(pool, project.id, c.check?.methods ? { methods: c.check.methods } : {});
    await play(pool, check.code, c.steps);
    t.same((await readPings(pool, check.id)).map((p) => p.duration_ms), c.durations, c.name);
    const row = await readCheck(pool, check.id);
    if (c.lastDuration !== undefined) t.equal(row.last_duration_ms, c.lastDuration, `${c.name}: last_duration_ms`);
    if (c.check?.last_start === null) t.equal(row.last_start, null, `${c.name}: last_start`);
  }
});

t.test('every 100th ping prunes the log to PING_LOG_LIMIT pings', async (t) => {
  const { pool } = await testDatabase(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const send = async (from: number, to: number) => {
    for (let n = from; n <= to; n++) await recordPing(pool, pingRecord(check.code, { action: 'log', logLimit: 10, now: at(n) }));
  };
  await send(1, 99);
  t.equal((await readPings(pool, check.id)).length, 99, 'no pruning before the 100th');
  await send(100, 100);
  t.same((await readPings(pool, check.id)).map((p) => p.n), [91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
  await send(101, 150);
  t.equal((await readPings(pool, check.id)).length, 60, 'up to 99 more until the next prune');
  t.equal((await readCheck(pool, check.id)).n_pings, 150);
});

t.test('pruning drops processed flips older than the oldest ping kept and 93 days, never unprocessed ones', async (t) => {
  const { pool } = await testDatabase(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const day = 86_400;
  const insertFlip = (seconds: number, processed: boolean) =>
    pool.query(
      `insert into flips (check_id, created_at, old_status, new_status, processed_at) values ($1, $2, 'up', 'down', $3)`,
      [check.id, at(seconds), processed ? at(seconds) : null],
    );
  await insertFlip(-200 * day, true); // old and processed: goes
  await insertFlip(-190 * day, false); // old but unprocessed: stays
  await insertFlip(-60 * day, true); // within 93 days: stays
  for (let n = 1; n <= 100; n++) await recordPing(pool, pingRecord(check.code, { action: 'log', logLimit: 10, now: at(n) }));
  const kept = (await readFlips(pool, check.id)).map((f) => (f.created_at.getTime() - T0) / 1000 / day);
  t.same(kept, [-190, -60]);
});

t.test('a batch applies each ping as if it came alone and answers in order', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  const a = await insertCheck(pool, project.id);
  const b = await insertCheck(pool, project.id, { slug: 'b' });
  const results = await recordPings(pool, [
    pingRecord(b.code, { action: 'start', now: at(0) }),
    pingRecord(a.code, { action: 'fail', now: at(1), exitStatus: 4 }),
    pingRecord(null, { pingKey: project.ping_key, slug: 'b', now: at(2) }),
    pingRecord(null, { pingKey: project.ping_key, slug: 'new-one', create: true, now: at(3) }),
    pingRecord(a.code, { requestError: 'invalid uuid format', now: at(4) }),
  ]);
  t.same(results.map((r) => r.outcome), ['OK', 'OK', 'OK', 'Created', 'invalid uuid format']);
  t.same(results[0]?.check, { kind: 'simple', schedule: '* * * * *', tz: 'UTC' });
  t.match(await readPings(pool, b.id), [{ kind: 'start' }, { kind: 'success', duration_ms: 2000 }]);
  t.match(await readPings(pool, a.id), [{ kind: 'fail', exit_status: 4 }]);
  t.same(await recordPings(pool, []), []);
});

t.test('two first pings of a new slug in one batch create one check and both count', async (t) => {
  const { pool } = await testDatabase(t);
  const project = await insertProject(pool);
  const ping = (seconds: number) => pingRecord(null, { pingKey: project.ping_key, slug: 'fresh', create: true, now: at(seconds) });
  const results = await recordPings(pool, [ping(0), ping(1), pingRecord(null, { pingKey: project.ping_key, slug: 'fresh', requestError: 'invalid uuid format' })]);
  t.same(results.map((r) => r.outcome), ['Created', 'OK', 'invalid uuid format']);
  const { rows } = await pool.query('select id, n_pings from checks where project_id = $1', [project.id]);
  t.match(rows, [{ n_pings: 2 }]);
  t.same((await readPings(pool, rows[0].id)).map((p) => p.n), [1, 2]);
});
