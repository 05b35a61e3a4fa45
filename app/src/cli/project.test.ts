import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hashApiKey } from '../accounts/keys.ts';
import { testDatabase } from '../testing/db.ts';
import { insertUser } from '../testing/fixtures.ts';
import { runProject } from './project.ts';
import { recordingIo } from './testing.ts';

t.test('project create --json prints the id and the keys once, and stores only their digests', async (t) => {
  const db = await testDatabase(t);
  await insertUser(db.pool, 'ops@example.org');
  const io = recordingIo(db);
  t.equal(await runProject(['create', '--name', 'Backups', '--owner', 'Ops@Example.org', '--json'], io), 0);
  const out = JSON.parse(io.stdout);
  t.match(out, { uuid: /^[0-9a-f-]{36}$/, name: 'Backups', owner: 'ops@example.org', api_key: /^hcw_[A-Za-z0-9]{28}$/, api_key_readonly: /^hcr_[A-Za-z0-9]{28}$/, ping_key: /^[a-z0-9]{22}$/ });
  const { rows } = await db.pool.query('select k.scope, k.hash from api_keys k join projects p on p.id = k.project_id where p.code = $1 order by k.id', [out.uuid]);
  t.same(rows, [{ scope: 'read_write', hash: hashApiKey(out.api_key) }, { scope: 'read_only', hash: hashApiKey(out.api_key_readonly) }]);
  const text = recordingIo(db);
  t.equal(await runProject(['create', '--name', 'Plain'], text), 0);
  t.match(text.stdout, /Created project "Plain"\. The keys are shown only now: store them\.\n/);
  t.match(text.stdout, /read-write API key\s+hcw_/);
  t.match(text.stdout, /slug ping URLs\s+https:\/\/cw\.example\.org\/ping\/[a-z0-9]{22}\/<slug>/);
});

t.test('project create refuses bad input clearly, with status 2', async (t) => {
  const db = await testDatabase(t);
  for (const [args, message] of [
    [['create'], 'project create needs --name NAME'],
    [['create', '--name', '  '], 'project create needs --name NAME'],
    [['create', '--name', 'x', '--owner', 'nobody@example.org'], 'no user with email nobody@example.org; create one with: cronwarden user create --email nobody@example.org'],
    [['create', '--name', 'x', '--owner', 'not-an-email'], '--owner: not an email address: "not-an-email"'],
    [['create', '--name', 'x', '--bogus'], "Unknown option '--bogus'"],
  ] as const) {
    const io = recordingIo(db);
    t.equal(await runProject([...args], io), 2, args.join(' '));
    t.match(io.stderr, message);
  }
  const usage = recordingIo(db);
  t.equal(await runProject(['frobnicate'], usage), 2);
  t.match(usage.stderr, /usage:\n  cronwarden project create/);
  t.same((await db.pool.query('select count(*)::int as n from projects')).rows, [{ n: 0 }]);
});

t.test('project list shows every project, or one owner\'s, with check counts', async (t) => {
  const db = await testDatabase(t);
  await insertUser(db.pool, 'a@example.org');
  await runProject(['create', '--name', 'A1', '--owner', 'a@example.org'], recordingIo(db));
  await runProject(['create', '--name', 'Lone'], recordingIo(db));
  const all = recordingIo(db);
  t.equal(await runProject(['list', '--json'], all), 0);
  t.same(JSON.parse(all.stdout).map((p: { name: string; owner: string | null; checks: number }) => [p.name, p.owner, p.checks]), [['A1', 'a@example.org', 0], ['Lone', null, 0]]);
  const mine = recordingIo(db);
  await runProject(['list', '--owner', 'a@example.org'], mine);
  t.match(mine.stdout, /^[0-9a-f-]{36}\s+0 checks\s+a@example.org\s+A1\n$/);
});

t.test('project keys rotate revokes the old keys of the kinds chosen and prints new ones', async (t) => {
  const db = await testDatabase(t);
  const created = recordingIo(db);
  await runProject(['create', '--name', 'P', '--json'], created);
  const before = JSON.parse(created.stdout);
  const none = recordingIo(db);
  t.equal(await runProject(['keys', 'rotate', '--project', before.uuid], none), 2);
  t.match(none.stderr, 'choose what to rotate');
  const io = recordingIo(db);
  t.equal(await runProject(['keys', 'rotate', '--project', before.uuid, '--read-write', '--json'], io), 0);
  const after = JSON.parse(io.stdout);
  t.match(after, { uuid: before.uuid, api_key: /^hcw_/, api_key_readonly: null, ping_key: null, revoked: 1 });
  const { rows } = await db.pool.query('select scope, hash, revoked_at from api_keys order by id');
  t.same(rows, [
    { scope: 'read_write', hash: hashApiKey(before.api_key), revoked_at: new Date('2026-01-15T12:00:00Z') },
    { scope: 'read_only', hash: hashApiKey(before.api_key_readonly), revoked_at: null },
    { scope: 'read_write', hash: hashApiKey(after.api_key), revoked_at: null },
  ]);
  const all = recordingIo(db);
  await runProject(['keys', 'rotate', '--project', before.uuid, '--all'], all);
  t.match(all.stdout, /2 old API key\(s\) revoked/);
  t.match(all.stdout, /Slug ping URLs with the old ping key now answer 404/);
  const ping = await db.pool.query('select ping_key from projects');
  t.not(ping.rows[0].ping_key, before.ping_key);
  const listed = recordingIo(db);
  await runProject(['keys', 'list', '--project', before.uuid, '--json'], listed);
  t.same(JSON.parse(listed.stdout).map((k: { revoked: string | null }) => k.revoked !== null), [true, true, true, false, false]);
  const unknown = recordingIo(db);
  t.equal(await runProject(['keys', 'rotate', '--project', '07c2f548-9850-4b27-af5d-6c9dc157ec02', '--all'], unknown), 2);
  t.match(unknown.stderr, 'no project 07c2f548-9850-4b27-af5d-6c9dc157ec02');
});

t.test('the real command creates a project against DATABASE_URL and prints only JSON on stdout', async (t) => {
  const db = await testDatabase(t);
  const { stdout } = await promisify(execFile)(process.execPath, ['app/bin/cronwarden.js', 'project', 'create', '--name', 'Spawned', '--json'], {
    env: { ...process.env, DATABASE_URL: db.url },
  });
  const out = JSON.parse(stdout);
  t.equal(out.name, 'Spawned');
  t.same((await db.pool.query('select name from projects')).rows, [{ name: 'Spawned' }]);
});
