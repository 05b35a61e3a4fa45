import t from 'tap';
import { insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

async function ping(pool: import('pg').Pool, checkId: number, n: number, fields: Record<string, unknown> = {}) {
  const row: Record<string, unknown> = { created_at: new Date('2026-01-15T11:00:00Z'), kind: 'success', scheme: 'http', remote_addr: '192.0.2.1', method: 'POST', ua: 'curl/8.0', ...fields };
  await pool.query(
    `insert into pings (check_id, n, created_at, kind, scheme, remote_addr, method, ua, body, rid, exit_status, duration_ms)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [checkId, n, row.created_at, row.kind, row.scheme, row.remote_addr, row.method, row.ua, row.body ?? null, row.rid ?? null, row.exit_status ?? null, row.duration_ms ?? null],
  );
}

t.test('pings are listed newest first with Healthchecks\' keys, microsecond dates and durations', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { n_pings: 3 });
  await ping(f.pool, check.id, 1, { kind: 'start', rid: '4f1f9d7c-8c2b-4a55-9b5a-3c3f4b6c2a11', created_at: '2026-01-15T10:59:00.000000Z' });
  await ping(f.pool, check.id, 2, { kind: 'success', rid: '4f1f9d7c-8c2b-4a55-9b5a-3c3f4b6c2a11', body: Buffer.from('done'), duration_ms: 61_237, created_at: '2026-01-15T11:00:00.123456Z' });
  await ping(f.pool, check.id, 3, { kind: 'fail', scheme: 'https', remote_addr: '', method: 'GET', body: Buffer.alloc(0), exit_status: 3 });
  const res = await f.api(`/api/v2/checks/${check.code}/pings/`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  const { pings } = (await res.json()) as { pings: Array<Record<string, unknown>> };
  t.same(pings.map((p) => p.n), [3, 2, 1]);
  t.same(pings[0], {
    type: 'fail', date: '2026-01-15T11:00:00+00:00', n: 3, scheme: 'https', remote_addr: null, method: 'GET', ua: 'curl/8.0', rid: null, body_url: null,
  });
  t.same(Object.keys(pings[1]!), ['type', 'date', 'n', 'scheme', 'remote_addr', 'method', 'ua', 'rid', 'body_url', 'duration']);
  t.same(pings[1], {
    type: 'success', date: '2026-01-15T11:00:00.123456+00:00', n: 2, scheme: 'http', remote_addr: '192.0.2.1', method: 'POST', ua: 'curl/8.0',
    rid: '4f1f9d7c-8c2b-4a55-9b5a-3c3f4b6c2a11', body_url: `${f.url}/api/v2/checks/${check.code}/pings/2/body`, duration: 61.24,
  });
  t.equal(pings[2]!.type, 'start');
  t.notOk('exitstatus' in pings[0]! || 'exit_status' in pings[0]!, 'exit status is not exposed');
});

t.test('only pings within the ping log limit are listed, and never more than 1000', async (t) => {
  const f = await apiFixture(t, { PING_LOG_LIMIT: '3' });
  const check = await insertCheck(f.pool, f.project.id, { n_pings: 6 });
  for (const n of [1, 2, 3, 4, 5, 6]) await ping(f.pool, check.id, n);
  const { pings } = (await (await f.api(`/api/v3/checks/${check.code}/pings/`)).json()) as { pings: Array<{ n: number }> };
  t.same(pings.map((p) => p.n), [6, 5, 4], 'pings waiting to be pruned are not shown');
  const big = await apiFixture(t, { PING_LOG_LIMIT: '5000' });
  const many = await insertCheck(big.pool, big.project.id, { n_pings: 1200 });
  await big.pool.query("insert into pings (check_id, n, created_at, kind, scheme) select $1, g, now(), 'success', 'http' from generate_series(1, 1200) g", [many.id]);
  const listed = (await (await big.api(`/api/v3/checks/${many.code}/pings/`)).json()) as { pings: Array<{ n: number }> };
  t.same([listed.pings.length, listed.pings[0]?.n, listed.pings.at(-1)?.n], [1000, 1200, 201]);
});

t.test('the pings list needs a read-write key and the check\'s own project', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  t.equal((await f.api(`/api/v3/checks/${check.code}/pings/`, { key: f.ro })).status, 401);
  const theirs = await insertCheck(f.pool, f.other.id);
  t.equal((await f.api(`/api/v3/checks/${theirs.code}/pings/`)).status, 403);
  t.equal((await f.api('/api/v3/checks/07c2f548-9850-4b27-af5d-6c9dc157ec02/pings/')).status, 404);
});

t.test('a ping body comes back as the stored bytes, text/plain, even when not UTF-8', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { n_pings: 2 });
  const bytes = Buffer.from([0x6f, 0x6b, 0x0a, 0xff, 0xfe, 0x00, 0x41]);
  await ping(f.pool, check.id, 2, { body: bytes });
  const res = await f.api(`/api/v3/checks/${check.code}/pings/2/body`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), 'text/plain');
  t.same(Buffer.from(await res.arrayBuffer()), bytes);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
});

t.test('a ping body is 404 when pruned away, missing, empty or absent', async (t) => {
  const f = await apiFixture(t, { PING_LOG_LIMIT: '2' });
  const check = await insertCheck(f.pool, f.project.id, { n_pings: 5 });
  await ping(f.pool, check.id, 3, { body: Buffer.from('old but not yet pruned') });
  await ping(f.pool, check.id, 4, { body: Buffer.alloc(0) });
  await ping(f.pool, check.id, 5);
  for (const n of [3, 4, 5, 6, 99999999999]) {
    const res = await f.api(`/api/v3/checks/${check.code}/pings/${n}/body`);
    t.same([res.status, await res.text()], [404, ''], `ping ${n}`);
  }
  t.equal((await f.api(`/api/v3/checks/${check.code}/pings/5/body`, { key: f.ro })).status, 401);
  const theirs = await insertCheck(f.pool, f.other.id);
  t.equal((await f.api(`/api/v3/checks/${theirs.code}/pings/1/body`)).status, 403);
});
