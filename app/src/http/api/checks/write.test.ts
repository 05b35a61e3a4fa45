import t from 'tap';
import { insertChannel, insertCheck, insertProject } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

type Doc = Record<string, unknown>;

t.test('create answers 201 with the check and stores every field', async (t) => {
  const f = await apiFixture(t);
  const res = await f.api('/api/v1/checks/', {
    json: {
      name: 'Foo', tags: 'bar,baz', desc: 'description goes here', timeout: 3600, grace: 60, start_kw: 'START',
      success_kw: 'SUCCESS', failure_kw: 'FAILURE', filter_subject: true, filter_body: true, filter_http_body: true,
      filter_default_fail: true, methods: 'POST', manual_resume: true, unknown_key: 'ignored',
    },
  });
  t.equal(res.status, 201);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  const doc = (await res.json()) as Doc;
  t.same([doc.name, doc.slug, doc.status, doc.n_pings, doc.last_ping, doc.timeout, doc.grace, doc.subject, doc.subject_fail],
    ['Foo', 'foo', 'new', 0, null, 3600, 60, 'SUCCESS', 'FAILURE']);
  const { rows } = await f.pool.query('select * from checks where code = $1', [doc.uuid]);
  t.match(rows[0], {
    project_id: f.project.id, name: 'Foo', slug: 'foo', tags: 'bar,baz', description: 'description goes here', kind: 'simple',
    timeout_seconds: 3600, grace_seconds: 60, start_kw: 'START', success_kw: 'SUCCESS', failure_kw: 'FAILURE', filter_subject: true,
    filter_body: true, filter_http_body: true, filter_default_fail: true, methods: 'POST', manual_resume: true, status: 'new',
    n_pings: 0, alert_after: null, created_at: f.clock.read(),
  });
});

t.test('an empty body creates a check with Healthchecks\' defaults and no channels', async (t) => {
  const f = await apiFixture(t);
  await insertChannel(f.pool, f.project.id);
  const doc = (await (await f.api('/api/v3/checks/', { method: 'POST', body: '' })).json()) as Doc;
  t.same([doc.name, doc.slug, doc.timeout, doc.grace, doc.channels, doc.methods], ['', '', 86400, 3600, '', '']);
  t.same((await f.pool.query('select count(*)::int as n from check_channels')).rows, [{ n: 0 }]);
});

t.test('v1 and v2 derive the slug from the name, v3 only takes an explicit one', async (t) => {
  const f = await apiFixture(t);
  const slug = async (v: number, json: Doc) => ((await (await f.api(`/api/v${v}/checks/`, { json })).json()) as Doc).slug;
  t.equal(await slug(1, { name: 'Nightly  Backup — Café #1!' }), 'nightly-backup-cafe-1');
  t.equal(await slug(2, { name: '--Hello_World--' }), 'hello_world');
  t.equal(await slug(2, { name: 'Foo', slug: 'custom' }), 'custom', 'an explicit slug wins in v2 too');
  t.equal(await slug(3, { name: 'Foo' }), '');
  t.equal(await slug(3, { name: 'Foo', slug: 'custom-slug' }), 'custom-slug');
});

t.test('unique upserts: a match on every listed field updates it and answers 200', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { name: 'Foo', slug: 'foo', tags: 'a', timeout_seconds: 123, grace_seconds: 456 });
  for (const [field, value] of [['name', 'Foo'], ['slug', 'foo'], ['tags', 'a'], ['timeout', 123], ['grace', 456]] as const) {
    const res = await f.api('/api/v3/checks/', { json: { [field]: value, desc: `by ${field}`, unique: [field] } });
    t.equal(res.status, 200, field);
    t.equal(((await res.json()) as Doc).uuid, check.code);
  }
  const { rows } = await f.pool.query('select description from checks');
  t.same(rows, [{ description: 'by grace' }], 'still one check, updated');
  const both = await f.api('/api/v3/checks/', { json: { name: 'Foo', tags: 'other', unique: ['name', 'tags'] } });
  t.equal(both.status, 201, 'every listed field must match');
});

t.test('unique with a listed field missing from the body, or an empty list, always creates', async (t) => {
  const f = await apiFixture(t);
  await insertCheck(f.pool, f.project.id, { name: 'Foo' });
  for (const field of ['name', 'slug', 'tags', 'timeout', 'grace']) {
    t.equal((await f.api('/api/v3/checks/', { json: { unique: [field] } })).status, 201, field);
  }
  t.equal((await f.api('/api/v3/checks/', { json: { name: 'Foo', unique: [] } })).status, 201);
  t.same((await f.pool.query("select count(*)::int as n from checks where name = 'Foo'")).rows, [{ n: 2 }]);
});

t.test('unique never matches a check of another project', async (t) => {
  const f = await apiFixture(t);
  await insertCheck(f.pool, f.other.id, { name: 'Foo' });
  t.equal((await f.api('/api/v3/checks/', { json: { name: 'Foo', unique: ['name'] } })).status, 201);
});

t.test('the check limit counts every project of the owner; over it, create is 403 and an upsert still works', async (t) => {
  const f = await apiFixture(t, { CHECK_LIMIT: '2' });
  const sibling = await insertProject(f.pool, { owner_id: f.project.ownerId });
  await insertCheck(f.pool, sibling.id, { name: 'elsewhere' });
  t.equal((await f.api('/api/v3/checks/', { json: { name: 'one' } })).status, 201);
  const refused = await f.api('/api/v3/checks/', { json: { name: 'two' } });
  t.same([refused.status, await refused.text()], [403, '']);
  t.equal((await f.api('/api/v3/checks/', { json: { name: 'one', desc: 'upsert', unique: ['name'] } })).status, 200);
  t.equal((await f.api('/api/v3/checks/', { key: f.otherRw, json: { name: 'their first' } })).status, 201, 'other owners have their own count');
  t.same((await f.pool.query('select count(*)::int as n from checks where project_id = $1', [f.project.id])).rows, [{ n: 1 }]);
});

t.test('a project without an owner has its own check limit', async (t) => {
  const f = await apiFixture(t, { CHECK_LIMIT: '1' });
  await f.pool.query('update projects set owner_id = null where id = $1', [f.project.id]);
  t.equal((await f.api('/api/v3/checks/', { json: {} })).status, 201);
  t.equal((await f.api('/api/v3/checks/', { json: {} })).status, 403);
});

t.test('concurrent creates never pass the check limit together', async (t) => {
  const f = await apiFixture(t, { CHECK_LIMIT: '3' });
  const answers = await Promise.all(Array.from({ length: 8 }, () => f.api('/api/v3/checks/', { json: {} })));
  t.same(answers.map((r) => r.status).sort(), [201, 201, 201, 403, 403, 403, 403, 403]);
  t.same((await f.pool.query('select count(*)::int as n from checks')).rows, [{ n: 3 }]);
});

t.test('channels: "*" all of the project\'s, names or UUIDs, "" none, absent unchanged', async (t) => {
  const f = await apiFixture(t);
  const a = await insertChannel(f.pool, f.project.id, { name: 'alerts' });
  const b = await insertChannel(f.pool, f.project.id, { name: '102eaa82-a274-4b15-a499-c1bb6bbcd7b6' });
  await insertChannel(f.pool, f.other.id);
  const linked = async (uuid: unknown) =>
    (await f.pool.query('select ch.code from check_channels cc join channels ch on ch.id = cc.channel_id join checks c on c.id = cc.check_id where c.code = $1 order by ch.code', [uuid])).rows.map((r) => r.code);
  const created = (await (await f.api('/api/v3/checks/', { json: { channels: '*' } })).json()) as Doc;
  t.same(await linked(created.uuid), [a.code, b.code].sort());
  t.equal(created.channels, [a.code, b.code].sort().join(','));
  const update = (channels: string | undefined) => f.api(`/api/v3/checks/${created.uuid}`, { json: channels === undefined ? {} : { channels } });
  await update('alerts');
  t.same(await linked(created.uuid), [a.code]);
  await update('102eaa82-a274-4b15-a499-c1bb6bbcd7b6');
  t.same(await linked(created.uuid), [b.code], 'a name that looks like a UUID');
  await update(`${a.code},${a.code},alerts`);
  t.same(await linked(created.uuid), [a.code], 'duplicates link once');
  await update(undefined);
  t.same(await linked(created.uuid), [a.code], 'no channels key: unchanged');
  await update('');
  t.same(await linked(created.uuid), []);
});

t.test('update writes only the fields given and recomputes alert_after', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, {
    name: 'Old', slug: 'keep', tags: 'x', status: 'up', last_ping: new Date('2026-01-15T11:00:00Z'), methods: 'POST', success_kw: 'OK', filter_subject: true,
  });
  const res = await f.api(`/api/v3/checks/${check.code}`, { json: { timeout: 7200, grace: 120, desc: 'new' } });
  t.equal(res.status, 200);
  const doc = (await res.json()) as Doc;
  t.same([doc.name, doc.slug, doc.tags, doc.desc, doc.methods, doc.timeout, doc.grace, doc.subject], ['Old', 'keep', 'x', 'new', 'POST', 7200, 120, 'OK']);
  const { rows } = await f.pool.query('select alert_after, kind from checks where id = $1', [check.id]);
  t.same(rows, [{ alert_after: new Date('2026-01-15T13:02:00Z'), kind: 'simple' }]);
});

t.test('subject and subject_fail set the keywords and subject filtering; an explicit filter_subject wins', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { filter_subject: true, success_kw: 'SUCCESS' });
  const row = async () => (await f.pool.query('select success_kw, failure_kw, filter_subject from checks where id = $1', [check.id])).rows[0];
  await f.api(`/api/v3/checks/${check.code}`, { json: { subject: '' } });
  t.same(await row(), { success_kw: '', failure_kw: '', filter_subject: false });
  await f.api(`/api/v3/checks/${check.code}`, { json: { subject_fail: 'FAILED,FAILURE' } });
  t.same(await row(), { success_kw: '', failure_kw: 'FAILED,FAILURE', filter_subject: true });
  await f.api(`/api/v3/checks/${check.code}`, { json: { subject: 'SUCCESS', filter_subject: false } });
  t.same(await row(), { success_kw: 'SUCCESS', failure_kw: 'FAILED,FAILURE', filter_subject: false });
});

t.test('a timezone is stored under its canonical name; legacy names such as Europe/Kiev are accepted', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  for (const tz of ['Europe/Riga', 'Europe/Kiev', 'UCT']) {
    const res = await f.api(`/api/v3/checks/${check.code}`, { json: { tz } });
    t.equal(res.status, 200, tz);
  }
  const { rows } = await f.pool.query('select tz from checks where id = $1', [check.id]);
  t.equal(rows[0].tz, 'UTC');
});

t.test('update of another project\'s check is 403 and of an unknown one 404, checked before the body', async (t) => {
  const f = await apiFixture(t);
  const theirs = await insertCheck(f.pool, f.other.id, { name: 'theirs' });
  const forbidden = await f.api(`/api/v3/checks/${theirs.code}`, { json: { name: 'mine now', timeout: 'x' } });
  t.same([forbidden.status, await forbidden.text()], [403, '']);
  const missing = await f.api('/api/v3/checks/07c2f548-9850-4b27-af5d-6c9dc157ec02', { json: { timeout: 'x' } });
  t.same([missing.status, await missing.text()], [404, '']);
  t.same((await f.pool.query('select name from checks where id = $1', [theirs.id])).rows, [{ name: 'theirs' }]);
});

t.test('delete answers with the check as it was and removes it with its pings, flips and links', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { name: 'Doomed', n_pings: 1 });
  const channel = await insertChannel(f.pool, f.project.id, { checkIds: [check.id] });
  await f.pool.query("insert into pings (check_id, n, created_at, kind, scheme) values ($1, 1, now(), 'success', 'http')", [check.id]);
  await f.pool.query("insert into flips (check_id, created_at, old_status, new_status) values ($1, now(), 'new', 'up')", [check.id]);
  const res = await f.api(`/api/v1/checks/${check.code}`, { method: 'DELETE' });
  t.equal(res.status, 200);
  const doc = (await res.json()) as Doc;
  t.same([doc.name, doc.n_pings, doc.channels], ['Doomed', 1, channel.code]);
  for (const table of ['checks', 'pings', 'flips', 'check_channels']) {
    t.same((await f.pool.query(`select count(*)::int as n from ${table}`)).rows, [{ n: 0 }], table);
  }
  t.same((await f.pool.query('select count(*)::int as n from channels')).rows, [{ n: 1 }], 'the channel stays');
  t.equal((await f.api(`/api/v1/checks/${check.code}`, { method: 'DELETE' })).status, 404);
  const theirs = await insertCheck(f.pool, f.other.id);
  t.equal((await f.api(`/api/v1/checks/${theirs.code}`, { method: 'DELETE' })).status, 403);
});

t.test('pause stops monitoring with a processed flip; pausing again changes nothing', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, {
    status: 'up', last_ping: new Date('2026-01-15T11:00:00Z'), last_start: new Date('2026-01-15T11:50:00Z'), alert_after: new Date('2026-01-15T12:50:00Z'),
  });
  const res = await f.api(`/api/v3/checks/${check.code}/pause`, { method: 'POST', body: '' });
  t.equal(res.status, 200);
  t.same(((await res.json()) as Doc).status, 'paused');
  const row = await f.pool.query('select status, last_start, alert_after, last_ping from checks where id = $1', [check.id]);
  t.same(row.rows, [{ status: 'paused', last_start: null, alert_after: null, last_ping: new Date('2026-01-15T11:00:00Z') }]);
  const flips = await f.pool.query('select old_status, new_status, reason, created_at, processed_at from flips');
  t.same(flips.rows, [{ old_status: 'up', new_status: 'paused', reason: '', created_at: f.clock.read(), processed_at: f.clock.read() }]);
  t.equal((await f.api(`/api/v3/checks/${check.code}/pause`, { method: 'POST' })).status, 200);
  t.same((await f.pool.query('select count(*)::int as n from flips')).rows, [{ n: 1 }], 'no second flip');
});

t.test('resume sets a paused check to new; anything else is 409 "check is not paused"', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { status: 'up', last_ping: new Date('2026-01-15T11:00:00Z') });
  const conflict = await f.api(`/api/v3/checks/${check.code}/resume`, { method: 'POST' });
  t.same([conflict.status, await conflict.text()], [409, 'check is not paused']);
  await f.api(`/api/v3/checks/${check.code}/pause`, { method: 'POST' });
  const res = await f.api(`/api/v3/checks/${check.code}/resume`, { method: 'POST', body: '' });
  t.equal(res.status, 200);
  t.same([((await res.json()) as Doc).status], ['new']);
  t.same((await f.pool.query('select status, last_ping, last_start, alert_after from checks')).rows, [{ status: 'new', last_ping: null, last_start: null, alert_after: null }]);
  t.same((await f.pool.query('select old_status, new_status, processed_at is not null as processed from flips order by id')).rows, [
    { old_status: 'up', new_status: 'paused', processed: true },
    { old_status: 'paused', new_status: 'new', processed: true },
  ]);
});
