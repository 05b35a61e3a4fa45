import t from 'tap';
import { createHash } from 'node:crypto';
import { insertChannel, insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture, RW_SIMPLE_KEYS } from '../testing.ts';

const RO_SIMPLE_KEYS = [...RW_SIMPLE_KEYS.slice(0, 22), 'unique_key', 'timeout'];

t.test('a check shows every Healthchecks key in its order, per key kind and version', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { name: 'Backups', tags: 'prod www' });
  for (const version of [1, 2, 3]) {
    const rw = (await (await f.api(`/api/v${version}/checks/${check.code}`)).json()) as Record<string, unknown>;
    t.same(Object.keys(rw), RW_SIMPLE_KEYS, `v${version} read-write`);
    t.equal(rw.update_url, `${f.url}/api/v${version}/checks/${check.code}`);
    t.equal(rw.pause_url, `${f.url}/api/v${version}/checks/${check.code}/pause`);
    t.equal(rw.resume_url, `${f.url}/api/v${version}/checks/${check.code}/resume`);
    t.equal(rw.ping_url, `${f.url}/ping/${check.code}`);
    t.equal(rw.badge_url, `${f.url}/b/2/${check.badge_key}.svg`);
    const ro = (await (await f.api(`/api/v${version}/checks/${check.code}`, { key: f.ro })).json()) as Record<string, unknown>;
    t.same(Object.keys(ro), RO_SIMPLE_KEYS, `v${version} read-only`);
    const expected = createHash('sha1').update(check.code.replaceAll('-', '').slice(0, 16)).digest('hex');
    t.equal(ro.unique_key, expected);
  }
});

t.test('a cron check shows schedule and tz instead of timeout; last_duration only when non-zero', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, {
    kind: 'cron', schedule: '5 4 * * *', tz: 'Europe/Riga', status: 'up', last_ping: new Date('2026-01-15T04:05:00Z'), last_duration_ms: 95_900,
  });
  const doc = (await (await f.api(`/api/v3/checks/${check.code}`)).json()) as Record<string, unknown>;
  t.same(Object.keys(doc).slice(-9), ['last_duration', 'uuid', 'ping_url', 'update_url', 'pause_url', 'resume_url', 'channels', 'schedule', 'tz']);
  t.same([doc.schedule, doc.tz, doc.last_duration, doc.timeout], ['5 4 * * *', 'Europe/Riga', 95, undefined]);
  await f.pool.query('update checks set last_duration_ms = 0 where id = $1', [check.id]);
  const zero = (await (await f.api(`/api/v3/checks/${check.code}`)).json()) as Record<string, unknown>;
  t.notOk('last_duration' in zero);
});

t.test('status, started, last_ping and next_ping are computed at request time', async (t) => {
  const f = await apiFixture(t);
  f.clock.set('2026-01-15T12:00:01Z');
  const check = await insertCheck(f.pool, f.project.id, {
    status: 'up', last_ping: new Date('2026-01-15T11:00:00.789Z'), timeout_seconds: 3600, grace_seconds: 600,
  });
  const get = async (v = 3) => (await (await f.api(`/api/v${v}/checks/${check.code}`)).json()) as Record<string, unknown>;
  t.same([(await get()).status, (await get()).last_ping, (await get()).next_ping], ['grace', '2026-01-15T11:00:00+00:00', '2026-01-15T12:00:00+00:00']);
  f.clock.set('2026-01-15T12:10:01Z');
  t.equal((await get()).status, 'down', 'down before the alert engine stores it');
  f.clock.set('2026-01-15T11:30:00Z');
  t.equal((await get()).status, 'up');
  await f.pool.query("update checks set last_start = '2026-01-15T11:25:00Z' where id = $1", [check.id]);
  t.same([(await get(1)).status, (await get(1)).started], ['started', true], 'v1 shows started');
  t.same([(await get(2)).status, (await get(2)).started, (await get(2)).next_ping], ['up', true, '2026-01-15T11:25:00+00:00'], 'v2 shows the status and the started flag');
  f.clock.set('2026-01-15T11:35:00Z');
  t.equal((await get(1)).status, 'down', 'a start past its grace time is down, in v1 too');
});

t.test('channels lists the linked channel UUIDs sorted and comma-joined', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  const a = await insertChannel(f.pool, f.project.id, { checkIds: [check.id] });
  const b = await insertChannel(f.pool, f.project.id, { checkIds: [check.id] });
  await insertChannel(f.pool, f.project.id);
  const doc = (await (await f.api(`/api/v3/checks/${check.code}`)).json()) as Record<string, unknown>;
  t.equal(doc.channels, [a.code, b.code].sort().join(','));
});

t.test('the list is the project\'s checks in creation order, filtered by all tags and by slug', async (t) => {
  const f = await apiFixture(t);
  await insertCheck(f.pool, f.project.id, { name: 'a', slug: 'backups', tags: 'prod db' });
  await insertCheck(f.pool, f.project.id, { name: 'b', slug: 'backups', tags: 'prod' });
  await insertCheck(f.pool, f.project.id, { name: 'c', slug: 'web', tags: 'production  db' });
  await insertCheck(f.pool, f.other.id, { name: 'theirs', tags: 'prod' });
  const names = async (query: string, key = f.rw) => {
    const res = await f.api(`/api/v1/checks/${query}`, { key });
    t.equal(res.status, 200);
    return ((await res.json()) as { checks: Array<{ name: string }> }).checks.map((c) => c.name);
  };
  t.same(await names(''), ['a', 'b', 'c']);
  t.same(await names('?tag=prod'), ['a', 'b'], 'exact tags, not substrings');
  t.same(await names('?tag=prod&tag=db'), ['a'], 'every tag must be there');
  t.same(await names('?tag=db'), ['a', 'c']);
  t.same(await names('?tag='), [], 'an empty tag matches nothing, as in Healthchecks');
  t.same(await names('?slug=backups'), ['a', 'b']);
  t.same(await names('?slug='), ['a', 'b', 'c'], 'an empty slug is no filter');
  t.same(await names('?slug=web&tag=db'), ['c']);
  t.same(await names('?tag=prod', f.ro), ['a', 'b'], 'read-only keys list too');
});

t.test('a check of another project is 403, an unknown one 404, both with empty bodies', async (t) => {
  const f = await apiFixture(t);
  const theirs = await insertCheck(f.pool, f.other.id);
  const forbidden = await f.api(`/api/v3/checks/${theirs.code}`);
  t.same([forbidden.status, await forbidden.text()], [403, '']);
  const missing = await f.api('/api/v3/checks/07c2f548-9850-4b27-af5d-6c9dc157ec02');
  t.same([missing.status, await missing.text()], [404, '']);
});

t.test('a read-only key reads a check by its unique_key; another project\'s unique_key is 404', async (t) => {
  const f = await apiFixture(t);
  const mine = await insertCheck(f.pool, f.project.id, { name: 'mine' });
  const theirs = await insertCheck(f.pool, f.other.id, { name: 'theirs' });
  const keyOf = async (code: string, key: string) =>
    ((await (await f.api(`/api/v3/checks/${code}`, { key })).json()) as { unique_key: string }).unique_key;
  const mineKey = await keyOf(mine.code, f.ro);
  const res = await f.api(`/api/v3/checks/${mineKey}`, { key: f.ro });
  t.equal(res.status, 200);
  t.equal(((await res.json()) as { name: string }).name, 'mine');
  const rw = (await (await f.api(`/api/v3/checks/${mineKey}`)).json()) as { uuid: string };
  t.equal(rw.uuid, mine.code, 'a read-write key may use it too and gets the UUID form');
  const theirsKey = createHash('sha1').update(theirs.code.replaceAll('-', '').slice(0, 16)).digest('hex');
  const other = await f.api(`/api/v3/checks/${theirsKey}`, { key: f.ro });
  t.same([other.status, await other.text()], [404, '']);
  t.equal((await f.api(`/api/v3/checks/${mineKey}`, { key: f.rw, json: {} })).status, 405, 'no writes by unique_key');
});

t.test('a stored schedule the engine cannot evaluate does not break the listing', async (t) => {
  const f = await apiFixture(t);
  await insertCheck(f.pool, f.project.id, { kind: 'oncalendar', schedule: 'not parseable by any engine', status: 'up', last_ping: new Date() });
  const res = await f.api('/api/v3/checks/');
  t.equal(res.status, 200);
  const [doc] = ((await res.json()) as { checks: Array<Record<string, unknown>> }).checks;
  t.same([doc?.status, doc?.next_ping], ['up', null]);
});
