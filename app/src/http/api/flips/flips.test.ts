import t from 'tap';
import { insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

async function flip(pool: import('pg').Pool, checkId: number, at: string, oldStatus: string, newStatus: string) {
  await pool.query('insert into flips (check_id, created_at, old_status, new_status) values ($1, $2, $3, $4)', [checkId, at, oldStatus, newStatus]);
}

t.test('flips are listed newest first as {"flips": [{"timestamp", "up"}]}', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  await flip(f.pool, check.id, '2026-01-10T10:00:00.5Z', 'new', 'up');
  await flip(f.pool, check.id, '2026-01-12T10:00:00Z', 'up', 'down');
  await flip(f.pool, check.id, '2026-01-14T10:00:00Z', 'down', 'paused');
  const res = await f.api(`/api/v1/checks/${check.code}/flips/`);
  t.equal(res.status, 200);
  t.same(await res.json(), {
    flips: [
      { timestamp: '2026-01-14T10:00:00+00:00', up: 0 },
      { timestamp: '2026-01-12T10:00:00+00:00', up: 0 },
      { timestamp: '2026-01-10T10:00:00+00:00', up: 1 },
    ],
  });
});

t.test('seconds, start and end narrow the list; seconds=0 and an empty seconds are no filter', async (t) => {
  const f = await apiFixture(t);
  f.clock.set('2026-01-15T12:00:00Z');
  const check = await insertCheck(f.pool, f.project.id);
  await flip(f.pool, check.id, '2026-01-10T00:00:00Z', 'new', 'up');
  await flip(f.pool, check.id, '2026-01-12T00:00:00Z', 'up', 'down');
  await flip(f.pool, check.id, '2026-01-15T11:00:00Z', 'down', 'up');
  const count = async (query: string) => ((await (await f.api(`/api/v3/checks/${check.code}/flips/${query}`)).json()) as { flips: unknown[] }).flips.length;
  const at = (iso: string) => Date.parse(iso) / 1000;
  t.equal(await count('?seconds=3600'), 1);
  t.equal(await count('?seconds=3600.0'), 1, 'Django accepts a zero fraction');
  t.equal(await count('?seconds=0'), 3);
  t.equal(await count('?seconds='), 3);
  t.equal(await count(`?start=${at('2026-01-12T00:00:00Z')}`), 2, 'start is inclusive');
  t.equal(await count(`?end=${at('2026-01-12T00:00:00Z')}`), 1, 'end is exclusive');
  t.equal(await count(`?start=${at('2026-01-11T00:00:00Z')}&end=${at('2026-01-13T00:00:00Z')}`), 1);
  t.equal(await count(`?start=${at('2026-01-11T00:00:00Z')}&seconds=3600`), 1, 'both start and seconds apply');
  t.equal(await count('?start=0'), 3);
});

t.test('invalid filters are 400 with an empty body', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  for (const query of ['?seconds=-1', '?seconds=31536001', '?seconds=abc', '?seconds=%20', '?start=', '?start=-5', '?start=10000000001', '?end=1.5', '?end=x']) {
    const res = await f.api(`/api/v3/checks/${check.code}/flips/${query}`);
    t.same([res.status, await res.text()], [400, ''], query);
  }
  t.equal((await f.api(`/api/v3/checks/${check.code}/flips/?seconds=31536000&start=10000000000`)).status, 200, 'the bounds are valid');
});

t.test('a read-only key lists flips by UUID or unique_key; other projects get 403 or 404', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  await flip(f.pool, check.id, '2026-01-10T00:00:00Z', 'new', 'up');
  const { unique_key } = (await (await f.api(`/api/v3/checks/${check.code}`, { key: f.ro })).json()) as { unique_key: string };
  for (const id of [check.code, unique_key]) {
    const res = await f.api(`/api/v3/checks/${id}/flips/`, { key: f.ro });
    t.same([res.status, ((await res.json()) as { flips: unknown[] }).flips.length], [200, 1], id);
  }
  const theirs = await insertCheck(f.pool, f.other.id);
  t.equal((await f.api(`/api/v3/checks/${theirs.code}/flips/`, { key: f.ro })).status, 403);
  t.equal((await f.api(`/api/v3/checks/${'0'.repeat(40)}/flips/`, { key: f.ro })).status, 404);
});
