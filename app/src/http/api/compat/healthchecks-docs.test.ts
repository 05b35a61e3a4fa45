// The curl examples of Healthchecks' API documentation (templates/docs/api.md), run verbatim
// with the real curl binary against the real server: only SITE_ROOT, the key and the UUIDs
// are substituted, as a reader of those docs would.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

const run = promisify(execFile);

/** Runs a documented command line through sh; returns the HTTP status and the body. */
async function curl(command: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run('sh', ['-c', `${command} --silent --show-error --write-out '\\n%{http_code}'`]);
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

t.test('every curl one-liner of Healthchecks\' API docs works verbatim', async (t) => {
  const f = await apiFixture(t);
  const fill = (doc: string, uuid = '') =>
    doc.replaceAll('SITE_ROOT', f.url).replaceAll('your-api-key', f.rw).replaceAll('7918b17b-a745-4db1-8575-9d2e07c97f79', uuid)
      .replaceAll('f618072a-7bde-4eee-af63-71a77c5723bc', uuid);

  const list = await curl(fill('curl --header "X-Api-Key: your-api-key" SITE_ROOT/api/v3/checks/'));
  t.same([list.status, JSON.parse(list.body)], [200, { checks: [] }]);

  const created = await curl(fill(`curl SITE_ROOT/api/v3/checks/ \\
    --header "X-Api-Key: your-api-key" \\
    --data '{"name": "Backups", "tags": "prod www", "timeout": 3600, "grace": 60}'`));
  t.equal(created.status, 201);
  const uuid = JSON.parse(created.body).uuid as string;
  const alternative = await curl(fill(`curl SITE_ROOT/api/v3/checks/ \\
    --data '{"api_key": "your-api-key", "name": "Backups", "tags": "prod www", "timeout": 3600, "grace": 60}'`));
  t.equal(alternative.status, 201);

  const single = await curl(fill('curl --header "X-Api-Key: your-api-key" SITE_ROOT/api/v3/checks/<uuid>').replace('<uuid>', uuid));
  t.same([single.status, JSON.parse(single.body).name], [200, 'Backups']);

  const updated = await curl(fill(`curl SITE_ROOT/api/v3/checks/7918b17b-a745-4db1-8575-9d2e07c97f79 \\
    --header "X-Api-Key: your-api-key" \\
    --data '{"name": "Backups", "tags": "prod www", "timeout": 3600, "grace": 60}'`, uuid));
  t.equal(updated.status, 200);
  const updatedAlt = await curl(fill(`curl SITE_ROOT/api/v3/checks/7918b17b-a745-4db1-8575-9d2e07c97f79 \\
    --data '{"api_key": "your-api-key", "name": "Backups", "tags": "prod www", "timeout": 3600, "grace": 60}'`, uuid));
  t.equal(updatedAlt.status, 200);

  const paused = await curl(fill(`curl SITE_ROOT/api/v3/checks/7918b17b-a745-4db1-8575-9d2e07c97f79/pause \\
    --request POST --header "X-Api-Key: your-api-key" --data ""`, uuid));
  t.same([paused.status, JSON.parse(paused.body).status], [200, 'paused']);
  const resumed = await curl(fill(`curl SITE_ROOT/api/v3/checks/7918b17b-a745-4db1-8575-9d2e07c97f79/resume \\
    --request POST --header "X-Api-Key: your-api-key" --data ""`, uuid));
  t.same([resumed.status, JSON.parse(resumed.body).status], [200, 'new']);

  const withPing = await insertCheck(f.pool, f.project.id, { n_pings: 397 });
  await f.pool.query("insert into pings (check_id, n, created_at, kind, scheme, body) values ($1, 397, now(), 'success', 'http', 'Hello World')", [withPing.id]);
  const pings = await curl(fill(`curl SITE_ROOT/api/v3/checks/f618072a-7bde-4eee-af63-71a77c5723bc/pings/ \\
    --header "X-Api-Key: your-api-key"`, withPing.code));
  t.same([pings.status, JSON.parse(pings.body).pings.length], [200, 1]);
  const body = await curl(fill(`curl SITE_ROOT/api/v3/checks/f618072a-7bde-4eee-af63-71a77c5723bc/pings/397/body \\
    --header "X-Api-Key: your-api-key"`, withPing.code));
  t.same([body.status, body.body], [200, 'Hello World']);
  const flips = await curl(fill(`curl SITE_ROOT/api/v3/checks/f618072a-7bde-4eee-af63-71a77c5723bc/flips/ \\
    --header "X-Api-Key: your-api-key"`, uuid));
  t.same([flips.status, JSON.parse(flips.body).flips.length], [200, 2]);

  const channels = await curl(fill('curl --header "X-Api-Key: your-api-key" SITE_ROOT/api/v3/channels/'));
  t.same([channels.status, JSON.parse(channels.body)], [200, { channels: [] }]);
  const badges = await curl(fill('curl --header "X-Api-Key: your-api-key" SITE_ROOT/api/v3/badges/'));
  t.same([badges.status, Object.keys(JSON.parse(badges.body).badges).sort()], [200, ['*', 'prod', 'www']]);

  const deleted = await curl(fill(`curl SITE_ROOT/api/v3/checks/7918b17b-a745-4db1-8575-9d2e07c97f79 \\
    --request DELETE --header "X-Api-Key: your-api-key"`, uuid));
  t.same([deleted.status, JSON.parse(deleted.body).name], [200, 'Backups']);
  t.same((await f.pool.query('select count(*)::int as n from checks where code = $1', [uuid])).rows, [{ n: 0 }]);
});
