// The requests kristofferahl/terraform-provider-healthchecksio makes through its client
// (go-healthchecksio v2.1.0, API v1), replayed byte for byte: Go's net/http sends
// Content-Type: application/json and X-Api-Key on every request, bodies are Go's
// json.Marshal of the client's Healthcheck struct (fields in struct order, omitempty).
// The provider takes the check's id from the last path segment of update_url.
import t from 'tap';
import { insertChannel } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

t.test('the Terraform provider\'s six calls work against API v1', async (t) => {
  const f = await apiFixture(t);
  const channel = await insertChannel(f.pool, f.project.id, { kind: 'email', name: 'ops-email' });
  const base = `${f.url}/api/v1`;
  const go = (method: string, path: string, body?: string) =>
    fetch(`${base}${path}`, { method, body, headers: { 'User-Agent': 'Go-http-client/1.1', 'Content-Type': 'application/json', 'X-Api-Key': f.rw } });

  // 1. data "healthchecksio_channel": GetAllChannels
  const channels = await go('GET', '/channels/');
  t.same([channels.status, await channels.json()], [200, { channels: [{ id: channel.code, name: 'ops-email', kind: 'email' }] }]);

  // 2. resource create: Create (channels and methods are always sent, the rest omitempty)
  const createBody = `{"channels":"${channel.code}","desc":"Nightly DB dump","grace":3600,"methods":"","name":"test-bare-minimum-check","slug":"test-bare-minimum-check","tags":"db prod","timeout":86400}`;
  const created = await go('POST', '/checks/', createBody);
  t.equal(created.status, 201);
  const check = (await created.json()) as Record<string, string | number>;
  const id = String(check.update_url).split('/').at(-1)!;
  t.equal(id, check.uuid, 'the id the provider derives from update_url is the UUID');
  t.same([check.name, check.slug, check.tags, check.desc, check.grace, check.timeout, check.channels, check.methods],
    ['test-bare-minimum-check', 'test-bare-minimum-check', 'db prod', 'Nightly DB dump', 3600, 86400, channel.code, '']);

  // 3. resource read: GetAll, then the provider finds its check by the id
  const all = await go('GET', '/checks/');
  const { checks } = (await all.json()) as { checks: Array<Record<string, unknown>> };
  const found = checks.find((c) => String(c.update_url).split('/').at(-1) === id);
  t.ok(found, 'found by update_url');
  t.match(found, { ping_url: `${f.url}/ping/${id}`, pause_url: `${base}/checks/${id}/pause`, status: 'new', n_pings: 0 });

  // 4. resource update: Update, a cron schedule is not used here (see schedules.merge-test.ts)
  const updateBody = `{"channels":"","grace":600,"methods":"POST","name":"renamed","slug":"renamed","timeout":3600,"tz":"Europe/Riga"}`;
  const updated = await go('POST', `/checks/${id}`, updateBody);
  t.equal(updated.status, 200);
  t.match(await updated.json(), { name: 'renamed', slug: 'renamed', grace: 600, timeout: 3600, methods: 'POST', channels: '', desc: 'Nightly DB dump' });

  // 5. Pause (the client's sixth call; POST with no body)
  const paused = await go('POST', `/checks/${id}/pause`);
  t.same([paused.status, ((await paused.json()) as { status: string }).status], [200, 'paused']);

  // 6. resource delete: Delete
  const deleted = await go('DELETE', `/checks/${id}`);
  t.same([deleted.status, ((await deleted.json()) as { name: string }).name], [200, 'renamed']);
  t.same((await f.pool.query('select count(*)::int as n from checks')).rows, [{ n: 0 }]);

  // Errors reach Terraform as the client decodes them: {"error": ...} with the status.
  const bad = await go('POST', '/checks/', '{"channels":"no-such-channel","methods":""}');
  t.same([bad.status, await bad.json()], [400, { error: 'invalid channel identifier: no-such-channel' }]);
});
