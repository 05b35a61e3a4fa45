import t from 'tap';
import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../db/pool.ts';
import { issueAccountKey } from '../../accounts/users.ts';
import { insertCheck, insertUser } from '../../testing/fixtures.ts';
import { apiFixture } from './testing.ts';

t.test('a POST body that is not JSON gets 400 before the key is even looked at', async (t) => {
  const f = await apiFixture(t);
  for (const body of ['this is not json', '{"name": "x",}', '\ufeff{}']) {
    const res = await f.api('/api/v3/checks/', { method: 'POST', body, key: null });
    t.equal(res.status, 400, body);
    t.same(await res.json(), { error: 'could not parse request body' });
  }
  const res = await f.api('/api/v3/checks/', { method: 'POST', body: Buffer.from([0x7b, 0xff, 0x7d]), key: null });
  t.same([res.status, await res.json()], [400, { error: 'could not parse request body' }], 'invalid UTF-8');
});

t.test('a JSON body that is not an object gets "value is not an object"', async (t) => {
  const f = await apiFixture(t);
  for (const body of ['[1,2,3]', '"text"', '5', 'null', 'true']) {
    const res = await f.api('/api/v3/checks/', { method: 'POST', body, key: null });
    t.same([res.status, await res.json()], [400, { error: 'json validation error: value is not an object' }], body);
  }
});

t.test('a key that is not 32 characters long is a missing key; a 32-character unknown one is wrong', async (t) => {
  const f = await apiFixture(t);
  for (const key of [null, '', 'short', `${f.rw}x`]) {
    const res = await f.api('/api/v3/checks/', { key });
    t.same([res.status, await res.json()], [401, { error: 'missing api key' }], String(key));
  }
  const res = await f.api('/api/v3/checks/', { key: 'hcw_' + 'X'.repeat(28) });
  t.same([res.status, await res.json()], [401, { error: 'wrong api key' }]);
  const empty = await f.api('/api/v3/checks/', { method: 'POST', key: null });
  t.same([empty.status, await empty.json()], [401, { error: 'missing api key' }], 'POST without a body');
});

t.test('a POST may carry the key in its JSON body; other methods only in the header', async (t) => {
  const f = await apiFixture(t);
  const created = await f.api('/api/v3/checks/', { key: null, json: { api_key: f.rw, name: 'Body key' } });
  t.equal(created.status, 201);
  const listed = await f.api(`/api/v3/checks/?api_key=${f.rw}`, { key: null });
  t.equal(listed.status, 401);
  const wrongType = await f.api('/api/v3/checks/', { key: null, json: { api_key: 12345 } });
  t.same(await wrongType.json(), { error: 'missing api key' });
  const header = await f.api('/api/v3/checks/', { key: f.rw, json: { api_key: 'ignored because the header wins' } });
  t.equal(header.status, 201, 'the header wins over the body');
});

t.test('a read-only key works on read endpoints and is a wrong key on the others', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { name: 'ro' });
  for (const path of ['/api/v3/checks/', `/api/v3/checks/${check.code}`, `/api/v3/checks/${check.code}/flips/`, '/api/v3/badges/']) {
    t.equal((await f.api(path, { key: f.ro })).status, 200, path);
  }
  const writes: Array<[string, RequestInit & { json?: unknown }]> = [
    ['/api/v3/checks/', { json: { name: 'x' } }],
    [`/api/v3/checks/${check.code}`, { json: { name: 'x' } }],
    [`/api/v3/checks/${check.code}`, { method: 'DELETE' }],
    [`/api/v3/checks/${check.code}/pause`, { method: 'POST' }],
    [`/api/v3/checks/${check.code}/pings/`, {}],
    ['/api/v3/channels/', {}],
  ];
  for (const [path, init] of writes) {
    const res = await f.api(path, { ...init, key: f.ro });
    t.same([res.status, await res.json()], [401, { error: 'wrong api key' }], `${init.method ?? 'GET'} ${path}`);
  }
  const { rows } = await f.pool.query('select name from checks where id = $1', [check.id]);
  t.same(rows, [{ name: 'ro' }], 'nothing changed');
});

t.test('a revoked key is refused, and use is recorded in last_used_at', async (t) => {
  const f = await apiFixture(t);
  t.equal((await f.api('/api/v3/checks/')).status, 200);
  const used = await f.pool.query("select last_used_at from api_keys where project_id = $1 and scope = 'read_write'", [f.project.id]);
  t.same(used.rows, [{ last_used_at: f.clock.read() }]);
  await f.pool.query('update api_keys set revoked_at = now() where project_id = $1', [f.project.id]);
  const res = await f.api('/api/v3/checks/');
  t.same([res.status, await res.json()], [401, { error: 'wrong api key' }]);
});

t.test('an account key is not a project key, and a project key is not an account key', async (t) => {
  const f = await apiFixture(t);
  const user = await insertUser(f.pool);
  const accountKey = await withTransaction(f.pool, (db) => issueAccountKey(db, user.id, '', f.clock.read()));
  t.equal((await f.api('/api/v3/checks/', { key: accountKey })).status, 401);
  t.equal((await f.api('/api/v3/projects/', { key: f.rw })).status, 401);
  t.equal((await f.api('/api/v3/projects/', { key: accountKey })).status, 200);
});

t.test('OPTIONS answers 204 with the CORS headers before any key is checked', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  const cases: Array<[string, string]> = [
    ['/api/v1/checks/', 'GET, POST, OPTIONS'],
    [`/api/v2/checks/${check.code}`, 'GET, POST, DELETE, OPTIONS'],
    [`/api/v3/checks/${check.code}/pause`, 'POST, OPTIONS'],
    [`/api/v3/checks/${check.code}/resume`, 'POST, OPTIONS'],
    [`/api/v3/checks/${check.code}/pings/`, 'GET, OPTIONS'],
    [`/api/v3/checks/${check.code}/pings/1/body`, 'GET, OPTIONS'],
    [`/api/v3/checks/${check.code}/flips/`, 'GET, OPTIONS'],
    ['/api/v3/channels/', 'GET, POST, OPTIONS'],
    ['/api/v3/badges/', 'GET, OPTIONS'],
  ];
  for (const [path, methods] of cases) {
    const res = await f.api(path, { method: 'OPTIONS', key: null });
    t.equal(res.status, 204, path);
    t.equal(await res.text(), '');
    t.same(
      [res.headers.get('access-control-allow-origin'), res.headers.get('access-control-allow-headers'),
        res.headers.get('access-control-allow-methods'), res.headers.get('access-control-max-age')],
      ['*', 'X-Api-Key', methods, '600'],
      path,
    );
  }
});

t.test('a method an API URL does not serve gets 405 with an empty body and CORS headers', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  for (const [method, path] of [['PUT', '/api/v3/checks/'], ['DELETE', '/api/v3/checks/'], ['HEAD', '/api/v3/checks/'],
    ['GET', `/api/v3/checks/${check.code}/pause`], ['POST', '/api/v3/badges/'], ['PATCH', `/api/v3/checks/${check.code}`]]) {
    const res = await f.api(path!, { method, key: null });
    t.equal(res.status, 405, `${method} ${path}`);
    t.equal(await res.text(), '');
    t.equal(res.headers.get('access-control-allow-origin'), '*');
  }
});

t.test('error answers keep the CORS headers', async (t) => {
  const f = await apiFixture(t);
  const res = await f.api('/api/v3/checks/', { key: null });
  t.equal(res.status, 401);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
});

t.test('URLs that do not match a route are 404 before authentication, as in Healthchecks', async (t) => {
  const f = await apiFixture(t);
  const code = randomUUID();
  for (const path of [
    `/api/v3/checks/${code.toUpperCase()}`, '/api/v3/checks/not-a-uuid', `/api/v3/checks/${code}/`, '/api/v3/checks',
    `/api/v3/checks/${code}/pings/x/body`, `/api/v4/checks/`, '/api/v3/nothing/', `/api/v3/checks/${'a'.repeat(40)}/pause`,
  ]) {
    const res = await f.api(path, { key: null });
    t.equal(res.status, 404, path);
    t.equal(await res.text(), '');
  }
});

t.test('the status endpoint answers any method without a key and without CORS', async (t) => {
  const f = await apiFixture(t);
  for (const method of ['GET', 'POST']) {
    const res = await f.api('/api/v2/status/', { method, key: null });
    t.same([res.status, await res.text(), res.headers.get('access-control-allow-origin')], [200, 'OK', null]);
  }
});
