import t from 'tap';
import { ChannelConfigError, channelKinds, type ChannelKind } from '../../../integrations/registry.ts';
import { insertChannel, insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

// The registry is empty until the alert engine's integrations land; this kind stands in for
// them. It validates like a real one: a required https URL, normalised.
const testKind: ChannelKind = {
  kind: 'test-webhook',
  label: 'Test webhook',
  parseConfig(raw: unknown) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ChannelConfigError('config must be an object');
    const url = (raw as { url?: unknown }).url;
    if (typeof url !== 'string' || !url.trim().startsWith('https://')) throw new ChannelConfigError('url must start with https://');
    const retries = (raw as { retries?: unknown }).retries ?? 3;
    return { url: url.trim(), retries };
  },
};

t.before(() => {
  (channelKinds as ChannelKind[]).push(testKind);
});
t.teardown(() => {
  (channelKinds as ChannelKind[]).splice(channelKinds.indexOf(testKind), 1);
});

t.test('the list shows the project\'s channels as {"id", "name", "kind"} and needs a read-write key', async (t) => {
  const f = await apiFixture(t);
  const a = await insertChannel(f.pool, f.project.id, { kind: 'email', name: 'Ops' });
  const b = await insertChannel(f.pool, f.project.id, { kind: 'webhook', name: '' });
  await insertChannel(f.pool, f.other.id, { kind: 'email', name: 'theirs' });
  const res = await f.api('/api/v1/channels/');
  t.same([res.status, await res.json()], [200, { channels: [{ id: a.code, name: 'Ops', kind: 'email' }, { id: b.code, name: '', kind: 'webhook' }] }]);
  t.equal((await f.api('/api/v1/channels/', { key: f.ro })).status, 401);
});

t.test('create validates the kind and its settings, links the checks asked for, and answers 201', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  await insertCheck(f.pool, f.project.id);
  const res = await f.api('/api/v3/channels/', { json: { kind: 'test-webhook', name: 'Hook', config: { url: ' https://example.org/hook ', retries: 5 }, checks: check.code } });
  const doc = (await res.json()) as Record<string, unknown>;
  t.equal(res.status, 201, JSON.stringify(doc));
  t.same(Object.keys(doc), ['id', 'name', 'kind', 'config', 'checks']);
  t.same([doc.name, doc.kind, doc.config, doc.checks], ['Hook', 'test-webhook', { url: 'https://example.org/hook', retries: 5 }, check.code]);
  const { rows } = await f.pool.query('select project_id, kind, name, config, created_at from channels where code = $1', [doc.id]);
  t.same(rows, [{ project_id: f.project.id, kind: 'test-webhook', name: 'Hook', config: { url: 'https://example.org/hook', retries: 5 }, created_at: f.clock.read() }]);
  t.same((await f.pool.query('select count(*)::int as n from check_channels')).rows, [{ n: 1 }]);
  const all = (await (await f.api('/api/v3/channels/', { json: { kind: 'test-webhook', config: { url: 'https://x' }, checks: '*' } })).json()) as { checks: string };
  t.equal(all.checks.split(',').length, 2, '"*" links every check');
  const none = (await (await f.api('/api/v3/channels/', { json: { kind: 'test-webhook', config: { url: 'https://x' } } })).json()) as { checks: string };
  t.equal(none.checks, '', 'no checks unless asked');
});

t.test('create refuses bad input with a clear error and stores nothing', async (t) => {
  const f = await apiFixture(t);
  const theirs = await insertCheck(f.pool, f.other.id);
  const cases: Array<[unknown, string]> = [
    [{}, 'json validation error: kind is missing'],
    [{ kind: 5 }, 'json validation error: kind is not a string'],
    [{ kind: 'carrier-pigeon' }, 'json validation error: kind has unexpected value'],
    [{ kind: 'test-webhook', name: null, config: { url: 'https://x' } }, 'json validation error: name is not a string'],
    [{ kind: 'test-webhook', name: 'n'.repeat(101), config: { url: 'https://x' } }, 'json validation error: name is too long'],
    [{ kind: 'test-webhook' }, 'url must start with https://'],
    [{ kind: 'test-webhook', config: 'https://x' }, 'config must be an object'],
    [{ kind: 'test-webhook', config: { url: 'http://plain' } }, 'url must start with https://'],
    [{ kind: 'test-webhook', config: { url: 'https://x' }, checks: theirs.code }, `invalid check identifier: ${theirs.code}`],
    [{ kind: 'test-webhook', config: { url: 'https://x' }, checks: ',' }, 'empty check identifier'],
    [{ kind: 'test-webhook', config: { url: 'https://x' }, checks: 7 }, 'json validation error: checks is not a string'],
  ];
  for (const [json, error] of cases) {
    const res = await f.api('/api/v3/channels/', { json });
    t.same([res.status, await res.json()], [400, { error }], JSON.stringify(json));
  }
  t.same((await f.pool.query('select count(*)::int as n from channels')).rows, [{ n: 0 }]);
  t.equal((await f.api('/api/v3/channels/', { key: f.ro, json: { kind: 'test-webhook', config: { url: 'https://x' } } })).status, 401);
});

t.test('update changes only what is given and parses the settings again', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  const channel = await insertChannel(f.pool, f.project.id, { kind: 'test-webhook', name: 'Old', config: { url: 'https://old', retries: 3 }, checkIds: [check.id] });
  await f.pool.query("update channels set disabled = true, last_error = 'HTTP 410' where id = $1", [channel.id]);
  const renamed = await f.api(`/api/v3/channels/${channel.code}`, { json: { name: 'New' } });
  t.equal(renamed.status, 200);
  t.same(await renamed.json(), { id: channel.code, name: 'New', kind: 'test-webhook', config: { url: 'https://old', retries: 3 }, checks: check.code });
  const bad = await f.api(`/api/v3/channels/${channel.code}`, { json: { name: 'Lost', config: { url: 'ftp://no' } } });
  t.same([bad.status, await bad.json()], [400, { error: 'url must start with https://' }]);
  const moved = await f.api(`/api/v3/channels/${channel.code}`, { json: { config: { url: 'https://new' }, checks: '' } });
  t.same(((await moved.json()) as { config: unknown; checks: string }), { id: channel.code, name: 'New', kind: 'test-webhook', config: { url: 'https://new', retries: 3 }, checks: '' });
  const { rows } = await f.pool.query('select name, config, disabled, last_error from channels where id = $1', [channel.id]);
  t.same(rows, [{ name: 'New', config: { url: 'https://new', retries: 3 }, disabled: false, last_error: '' }], 're-enabled with the new settings');
  t.same((await f.pool.query('select count(*)::int as n from check_channels')).rows, [{ n: 0 }]);
});

t.test('delete answers with the channel as it was and removes it and its links, never a check', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id);
  const channel = await insertChannel(f.pool, f.project.id, { kind: 'email', name: 'Ops', config: { to: 'ops@example.org' }, checkIds: [check.id] });
  const res = await f.api(`/api/v3/channels/${channel.code}`, { method: 'DELETE' });
  t.same([res.status, await res.json()], [200, { id: channel.code, name: 'Ops', kind: 'email', config: { to: 'ops@example.org' }, checks: check.code }]);
  t.same((await f.pool.query('select count(*)::int as n from channels')).rows, [{ n: 0 }]);
  t.same((await f.pool.query('select count(*)::int as n from checks')).rows, [{ n: 1 }]);
  t.equal((await f.api(`/api/v3/channels/${channel.code}`, { method: 'DELETE' })).status, 404);
  const theirs = await insertChannel(f.pool, f.other.id);
  t.equal((await f.api(`/api/v3/channels/${theirs.code}`, { method: 'DELETE' })).status, 403);
  t.equal((await f.api(`/api/v3/channels/${theirs.code}`, { json: { name: 'x' } })).status, 403);
  t.equal((await f.api(`/api/v3/channels/${theirs.code}`)).status, 405);
});
