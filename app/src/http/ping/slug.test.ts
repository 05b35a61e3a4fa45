import t from 'tap';
import { insertChannel, insertCheck, insertProject, insertUser } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { NEVER_CACHE, readCheck, readPings } from './test-support.ts';

const checksWithSlug = async (pool: import('pg').Pool, projectId: number, slug: string) =>
  (await pool.query('select * from checks where project_id = $1 and slug = $2 order by id', [projectId, slug])).rows;

t.test('every slug ping form reaches the check with that slug in the ping key\'s project', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const other = await insertProject(pool);
  const check = await insertCheck(pool, project.id, { slug: 'db-backups' });
  await insertCheck(pool, other.id, { slug: 'db-backups' });
  const forms: Array<[string, string, number | null]> = [
    ['', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/123', 'fail', 123],
  ];
  for (const [suffix, kind, exitStatus] of forms) {
    const res = await fetch(`${url}/ping/${project.ping_key}/db-backups${suffix}`, { method: 'POST', body: `via ${suffix}` });
    t.equal(res.status, 200, `${suffix || '(none)'}`);
    t.equal(await res.text(), 'OK');
    t.equal(res.headers.get('access-control-allow-origin'), '*');
    t.equal(res.headers.get('ping-body-limit'), '10000');
    t.equal(res.headers.get('cache-control'), NEVER_CACHE);
    const pings = await readPings(pool, check.id);
    t.match(pings.at(-1), { kind, exit_status: exitStatus, body: Buffer.from(`via ${suffix}`) });
  }
  t.equal((await readCheck(pool, check.id)).n_pings, forms.length);
});

t.test('slug pings that cannot be served get Healthchecks\' codes and texts', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  await insertCheck(pool, project.id, { slug: 'twin' });
  await insertCheck(pool, project.id, { slug: 'twin' });
  const solo = await insertCheck(pool, project.id, { slug: 'solo' });
  const cases: Array<[string, number, string]> = [
    [`${project.ping_key}/Solo`, 400, 'invalid url format'],
    [`${project.ping_key}/Missing?create=1`, 400, 'invalid url format'],
    [`${project.ping_key}/missing`, 404, 'not found'],
    [`${project.ping_key}/missing?create=0`, 404, 'not found'],
    [`${project.ping_key!.toUpperCase()}/solo`, 404, 'not found'],
    [`nokeynokeynokeynokey00/solo`, 404, 'not found'],
    [`nokeynokeynokeynokey00/solo?create=1`, 404, 'not found'],
    [`${project.ping_key}/solo/`, 404, 'not found'],
    [`${project.ping_key}/twin`, 409, 'ambiguous slug'],
    [`${project.ping_key}/twin/start?create=1`, 409, 'ambiguous slug'],
    [`${project.ping_key}/solo/256`, 400, 'invalid url format'],
    [`${project.ping_key}/solo?rid=x`, 400, 'invalid uuid format'],
  ];
  for (const [path, status, text] of cases) {
    const res = await fetch(`${url}/ping/${path}`);
    t.equal(res.status, status, path);
    t.equal(await res.text(), text, path);
  }
  t.equal((await pool.query('select count(*)::int as n from pings')).rows[0].n, 0, 'nothing logged');
  t.equal((await pool.query('select count(*)::int as n from checks')).rows[0].n, 3, 'nothing created');
  t.equal((await readCheck(pool, solo.id)).n_pings, 0);
});

t.test('?create=1 creates the missing check, named after its slug, with every channel of the project', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const email = await insertChannel(pool, project.id, { kind: 'email' });
  const webhook = await insertChannel(pool, project.id, { kind: 'webhook' });
  await insertChannel(pool, (await insertProject(pool)).id, { kind: 'email' });

  const res = await fetch(`${url}/ping/${project.ping_key}/srv01?create=1`);
  t.equal(res.status, 201);
  t.equal(await res.text(), 'Created');
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  t.equal(res.headers.get('ping-body-limit'), '10000');
  const [check, ...more] = await checksWithSlug(pool, project.id, 'srv01');
  t.same(more, [], 'one check');
  t.match(check, { name: 'srv01', slug: 'srv01', kind: 'simple', timeout_seconds: 86400, grace_seconds: 3600, status: 'up', n_pings: 1 });
  const { rows: links } = await pool.query('select channel_id from check_channels where check_id = $1 order by channel_id', [check.id]);
  t.same(links.map((l) => l.channel_id), [email.id, webhook.id]);
  t.match(await readPings(pool, check.id), [{ n: 1, kind: 'success' }]);

  const again = await fetch(`${url}/ping/${project.ping_key}/srv01?create=1`);
  t.equal(again.status, 200, 'an existing check is just pinged');
  t.equal(await again.text(), 'OK');
  t.equal((await checksWithSlug(pool, project.id, 'srv01')).length, 1);
});

t.test('auto-provisioning works with every slug form and creates the check before validating the run id', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const start = await fetch(`${url}/ping/${project.ping_key}/job-a/start?create=1`);
  t.equal(start.status, 201);
  t.match((await checksWithSlug(pool, project.id, 'job-a'))[0], { status: 'new', last_start: new Date('2026-01-15T12:00:00Z') });

  const exit = await fetch(`${url}/ping/${project.ping_key}/job-b/3?create=1`);
  t.equal(exit.status, 201);
  t.match((await checksWithSlug(pool, project.id, 'job-b'))[0], { status: 'down', n_pings: 1 });

  const badRid = await fetch(`${url}/ping/${project.ping_key}/job-c?create=1&rid=nope`);
  t.equal(badRid.status, 400);
  t.equal(await badRid.text(), 'invalid uuid format');
  t.match(await checksWithSlug(pool, project.id, 'job-c'), [{ n_pings: 0, status: 'new' }], 'created, as Healthchecks does');

  const badExit = await fetch(`${url}/ping/${project.ping_key}/job-d/300?create=1`);
  t.equal(badExit.status, 400);
  t.equal(await badExit.text(), 'invalid url format');
  t.match(await checksWithSlug(pool, project.id, 'job-d'), [{ n_pings: 0 }]);
});

t.test('auto-provisioning stops at twice CHECK_LIMIT checks across the owner\'s projects', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { CHECK_LIMIT: '2' } });
  const owner = await insertUser(pool);
  const first = await insertProject(pool, { owner_id: owner.id });
  const second = await insertProject(pool, { owner_id: owner.id });
  await insertCheck(pool, first.id);
  await insertCheck(pool, second.id);
  await insertCheck(pool, (await insertProject(pool)).id); // someone else's
  t.equal((await fetch(`${url}/ping/${first.ping_key}/third?create=1`)).status, 201);
  t.equal((await fetch(`${url}/ping/${second.ping_key}/fourth?create=1`)).status, 201);
  const refused = await fetch(`${url}/ping/${first.ping_key}/fifth?create=1`);
  t.equal(refused.status, 404);
  t.equal(await refused.text(), 'not found');
  t.same(await checksWithSlug(pool, first.id, 'fifth'), []);
  t.equal((await fetch(`${url}/ping/${first.ping_key}/third?create=1`)).status, 200, 'existing checks are still pinged');
});

t.test('a project without owner has its own auto-provisioning limit', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { CHECK_LIMIT: '1' } });
  const project = await insertProject(pool);
  await insertCheck(pool, (await insertProject(pool)).id);
  t.equal((await fetch(`${url}/ping/${project.ping_key}/a?create=1`)).status, 201);
  t.equal((await fetch(`${url}/ping/${project.ping_key}/b?create=1`)).status, 201);
  t.equal((await fetch(`${url}/ping/${project.ping_key}/c?create=1`)).status, 404);
});

t.test('a slug longer than a check can hold is refused, never a 500', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const slug = 'a'.repeat(101);
  const res = await fetch(`${url}/ping/${project.ping_key}/${slug}?create=1`);
  t.equal(res.status, 400);
  t.equal(await res.text(), 'invalid url format');
  t.equal((await fetch(`${url}/ping/${project.ping_key}/${'a'.repeat(100)}?create=1`)).status, 201);
});

t.test('concurrent first pings of a new slug create exactly one check', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => fetch(`${url}/ping/${project.ping_key}/burst?create=1`).then(async (r) => [r.status, await r.text()])),
  );
  t.same(responses.filter(([s]) => s === 201), [[201, 'Created']], 'one 201');
  t.equal(responses.filter(([s, text]) => s === 200 && text === 'OK').length, 19, 'the rest 200 OK');
  const checks = await checksWithSlug(pool, project.id, 'burst');
  t.equal(checks.length, 1);
  t.equal(checks[0].n_pings, 20);
  t.equal((await readPings(pool, checks[0].id)).length, 20);
});
