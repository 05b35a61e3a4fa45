import http from 'node:http';
import { Writable } from 'node:stream';
import t from 'tap';
import { createPool } from '../../db/pool.ts';
import { createLogger } from '../../log.ts';
import { listen } from '../server.ts';
import { createPingHandler } from './handler.ts';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { NEVER_CACHE, readCheck, readFlips, readPings } from './test-support.ts';

const NOW = '2026-01-15T12:00:00.000Z';

t.test('every UUID ping form answers 200 OK with Healthchecks headers and logs one ping', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const forms: Array<[string, string, number | null]> = [
    ['', 'success', null],
    ['/', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/1', 'fail', 1],
    ['/255', 'fail', 255],
  ];
  for (const [suffix, kind, exitStatus] of forms) {
    const check = await insertCheck(pool, project.id);
    const res = await fetch(`${url}/ping/${check.code}${suffix}`);
    t.equal(res.status, 200, `${suffix || '(none)'} status`);
    t.equal(await res.text(), 'OK');
    t.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    t.equal(res.headers.get('access-control-allow-origin'), '*');
    t.equal(res.headers.get('ping-body-limit'), '10000');
    t.equal(res.headers.get('cache-control'), NEVER_CACHE);
    t.equal(res.headers.get('expires'), new Date(NOW).toUTCString(), 'Expires is now: already stale');
    const pings = await readPings(pool, check.id);
    t.match(pings, [{ n: 1, kind, exit_status: exitStatus, method: 'GET', scheme: 'http', remote_addr: '127.0.0.1', body: null }], `${suffix || '(none)'} row`);
  }
});

t.test('an unknown check is 404 not found, and nothing is written', async (t) => {
  const { url, pool } = await startTestServer(t);
  for (const suffix of ['', '/start', '/fail', '/log', '/3', '/256']) {
    const res = await fetch(`${url}/ping/6f1c0a4e-5b7f-4c1e-9d47-000000000000${suffix}`, { method: 'POST', body: 'x' });
    t.equal(res.status, 404, `${suffix || '(none)'}: 404 even with an exit status above 255`);
    t.equal(await res.text(), 'not found');
    t.equal(res.headers.get('cache-control'), NEVER_CACHE);
    t.equal(res.headers.get('access-control-allow-origin'), null, 'CORS only on success, as in Healthchecks');
    t.equal(res.headers.get('ping-body-limit'), null);
  }
  t.equal((await pool.query('select count(*)::int as n from pings')).rows[0].n, 0);
});

t.test('paths that match no ping form are 404 not found', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const check = await insertCheck(pool, project.id);
  const upper = check.code.toUpperCase();
  for (const path of ['', 'x', `${upper}`, `${check.code}/start/`, `${check.code}/bogus/x`, `${check.code.replace(/-/g, '')}`, `${check.code}/%E0%A4%A`]) {
    const res = await fetch(`${url}/ping/${path}`);
    t.equal(res.status, 404, JSON.stringify(path));
    t.equal(await res.text(), 'not found');
  }
  const res = await fetch(`${url}/ping/${upper}/start`);
  t.equal(res.status, 404, 'an uppercase UUID with /start falls through to the slug route');
  t.same(await readPings(pool, check.id), []);
});

t.test('a percent-encoded path is decoded before matching, as Django does', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const res = await fetch(`${url}/ping/${check.code}%2Fstart`);
  t.equal(res.status, 200);
  t.match(await readPings(pool, check.id), [{ kind: 'start' }]);
});

t.test('an exit status above 255 is 400 invalid url format once the check is found', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  for (const status of ['256', '1000', '99999999999999999999']) {
    const res = await fetch(`${url}/ping/${check.code}/${status}`);
    t.equal(res.status, 400, status);
    t.equal(await res.text(), 'invalid url format');
    t.equal(res.headers.get('cache-control'), NEVER_CACHE);
  }
  t.same(await readPings(pool, check.id), []);
  t.match(await readCheck(pool, check.id), { n_pings: 0, status: 'new' });
});

t.test('a malformed run id is 400 invalid uuid format and records nothing; either case is accepted', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  for (const rid of ['', 'abc', '{7c2a1b3e-1111-4111-8111-111111111111}', '7c2a1b3e111141118111111111111111']) {
    const res = await fetch(`${url}/ping/${check.code}/start?rid=${encodeURIComponent(rid)}`);
    t.equal(res.status, 400, JSON.stringify(rid));
    t.equal(await res.text(), 'invalid uuid format');
  }
  t.same(await readPings(pool, check.id), []);
  const res = await fetch(`${url}/ping/${check.code}/start?rid=7C2A1B3E-1111-4111-8111-111111111111`);
  t.equal(res.status, 200);
  t.match(await readPings(pool, check.id), [{ kind: 'start', rid: '7c2a1b3e-1111-4111-8111-111111111111' }]);
  t.match(await readCheck(pool, check.id), { last_start_rid: '7c2a1b3e-1111-4111-8111-111111111111' });
});

t.test('an exit status above 255 is reported before a bad run id', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const res = await fetch(`${url}/ping/${check.code}/300?rid=nope`);
  t.equal(res.status, 400);
  t.equal(await res.text(), 'invalid url format');
});

t.test('any HTTP method is a ping and is logged with its method; HEAD answers without a body', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
  for (const method of methods) {
    const res = await fetch(`${url}/ping/${check.code}`, { method });
    t.equal(res.status, 200, method);
    t.equal(await res.text(), method === 'HEAD' ? '' : 'OK');
    t.equal(res.headers.get('content-length'), '2', `${method} Content-Length`);
  }
  t.same((await readPings(pool, check.id)).map((p) => p.method), methods);
  t.match(await readCheck(pool, check.id), { n_pings: methods.length, status: 'up' });
  t.match(await readFlips(pool, check.id), [{ old_status: 'new', new_status: 'up', reason: '' }], 'only the first changed the status');
});

t.test('the user agent is stored, decoded as UTF-8 and cut at 200 characters', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const long = `backup-bot ✓ ${'x'.repeat(300)}`;
  const status = await new Promise<number>((resolve, reject) => {
    // fetch would refuse a non-ASCII header; a raw request sends UTF-8 bytes as a real client may.
    const req = http.request(`${url}/ping/${check.code}`, { headers: { 'User-Agent': Buffer.from(long).toString('latin1') } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(status, 200);
  const [ping] = await readPings(pool, check.id);
  t.equal(ping?.ua, Array.from(long).slice(0, 200).join(''));
  t.equal(ping?.ua.length, 200);
});

t.test('Ping-Body-Limit follows PING_BODY_LIMIT and is absent when it is None', async (t) => {
  const limited = await startTestServer(t, { env: { PING_BODY_LIMIT: '25' } });
  const check = await insertCheck(limited.pool, (await insertProject(limited.pool)).id);
  const res = await fetch(`${limited.url}/ping/${check.code}`);
  t.equal(res.headers.get('ping-body-limit'), '25');

  const unlimited = await startTestServer(t, { env: { PING_BODY_LIMIT: 'None' } });
  const other = await insertCheck(unlimited.pool, (await insertProject(unlimited.pool)).id);
  const res2 = await fetch(`${unlimited.url}/ping/${other.code}`);
  t.equal(res2.status, 200);
  t.equal(res2.headers.get('ping-body-limit'), null);
});

t.test('with a path in SITE_ROOT pings are served under it', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { SITE_ROOT: 'http://127.0.0.1/hc' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  t.equal((await fetch(`${url}/ping/${check.code}`)).status, 200);
  t.equal((await fetch(`${url.replace(/\/hc$/, '')}/ping/${check.code}`)).status, 404);
  t.equal((await readCheck(pool, check.id)).n_pings, 1);
});

t.test('a ping is stamped with the server clock at request time', async (t) => {
  const { url, pool, clock } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id, { timeout_seconds: 120, grace_seconds: 60 });
  clock.set('2026-03-01T08:00:00.123Z');
  await fetch(`${url}/ping/${check.code}`);
  t.match(await readCheck(pool, check.id), {
    last_ping: new Date('2026-03-01T08:00:00.123Z'),
    alert_after: new Date('2026-03-01T08:03:00.123Z'),
  });
});

t.test('when the database is unreachable the ping is refused with 503, never acknowledged', async (t) => {
  const { url, ctx, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const deadPool = createPool('postgresql://cronwarden@%2Fnonexistent/cronwarden', 1);
  t.teardown(() => deadPool.end());
  Object.assign(ctx, { pool: deadPool });
  const res = await fetch(`${url}/ping/${check.code}`, { method: 'POST', body: 'lost?' });
  t.equal(res.status, 503);
  t.equal(await res.text(), 'service unavailable');
  Object.assign(ctx, { pool });
  t.equal((await readCheck(pool, check.id)).n_pings, 0);
});

t.test('a ping that cannot be recorded is logged without the check\'s full UUID', async (t) => {
  const { ctx, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  const deadPool = createPool('postgresql://cronwarden@%2Fnonexistent/cronwarden', 1);
  t.teardown(() => deadPool.end());
  const server = http.createServer(createPingHandler({ ...ctx, log: createLogger('error', sink), pool: deadPool }));
  const port = await listen(server, '127.0.0.1', 0);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await fetch(`http://127.0.0.1:${port}/ping/${check.code}/start`);
  t.equal(res.status, 503);
  t.equal(lines.length, 1);
  t.match(lines[0], `"url":"/ping/${check.code.slice(0, 8)}…/start"`);
  t.notMatch(lines[0], check.code);
});
