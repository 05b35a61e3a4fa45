import t from 'tap';
import { issueAccountKey } from '../../../accounts/users.ts';
import { withTransaction } from '../../../db/pool.ts';
import { hashApiKey } from '../../../accounts/keys.ts';
import { insertUser } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

t.test('an account key lists its user\'s projects and creates one whose keys work at once', async (t) => {
  const f = await apiFixture(t);
  const owner = await f.pool.query('select owner_id from projects where id = $1', [f.project.id]);
  const key = await withTransaction(f.pool, (db) => issueAccountKey(db, owner.rows[0].owner_id, 'ci', f.clock.read()));
  t.match(key, /^hca_[A-Za-z0-9]{28}$/);
  const listed = await f.api('/api/v3/projects/', { key });
  t.same([listed.status, await listed.json()], [200, { projects: [{ uuid: f.project.code, name: 'Mine', ping_key: f.project.pingKey, created: '2026-01-15T12:00:00+00:00' }] }]);

  const res = await f.api('/api/v3/projects/', { key: null, json: { api_key: key, name: 'Staging' } });
  t.equal(res.status, 201);
  const doc = (await res.json()) as Record<string, string>;
  t.same(Object.keys(doc), ['uuid', 'name', 'ping_key', 'created', 'api_key', 'api_key_readonly']);
  t.match(doc, { name: 'Staging', ping_key: /^[a-z0-9]{22}$/, api_key: /^hcw_[A-Za-z0-9]{28}$/, api_key_readonly: /^hcr_[A-Za-z0-9]{28}$/ });
  const stored = await f.pool.query('select k.scope, k.prefix, k.hash from api_keys k join projects p on p.id = k.project_id where p.code = $1 order by k.id', [doc.uuid]);
  t.same(stored.rows, [
    { scope: 'read_write', prefix: doc.api_key!.slice(0, 8), hash: hashApiKey(doc.api_key!) },
    { scope: 'read_only', prefix: doc.api_key_readonly!.slice(0, 8), hash: hashApiKey(doc.api_key_readonly!) },
  ], 'only digests are stored');
  t.equal((await f.api('/api/v3/checks/', { key: doc.api_key!, json: { name: 'first' } })).status, 201);
  t.equal((await f.api('/api/v3/checks/', { key: doc.api_key_readonly! })).status, 200);
  const after = (await (await f.api('/api/v3/projects/', { key })).json()) as { projects: Array<{ name: string }> };
  t.same(after.projects.map((p) => p.name), ['Mine', 'Staging'], 'only the user\'s own projects');
});

t.test('creating a project needs a name of 1 to 200 characters', async (t) => {
  const f = await apiFixture(t);
  const user = await insertUser(f.pool);
  const key = await withTransaction(f.pool, (db) => issueAccountKey(db, user.id, '', f.clock.read()));
  for (const [json, error] of [
    [{}, 'json validation error: name is missing'],
    [{ name: null }, 'json validation error: name is not a string'],
    [{ name: '  ' }, 'json validation error: name is too short'],
    [{ name: 'x'.repeat(201) }, 'json validation error: name is too long'],
  ] as const) {
    const res = await f.api('/api/v3/projects/', { key, json });
    t.same([res.status, await res.json()], [400, { error }], JSON.stringify(json));
  }
  t.same((await f.pool.query('select count(*)::int as n from projects where owner_id = $1', [user.id])).rows, [{ n: 0 }]);
});
