import { createHash } from 'node:crypto';
import t from 'tap';
import type { Queryable } from '../../../db/pool.ts';
import { insertChannel, insertProject } from '../../../testing/fixtures.ts';
import { startHttpReceiver, startSmtpReceiver, type Responder } from '../../../testing/receivers.ts';
import { startTestServer } from '../../../testing/server.ts';

async function insertKey(db: Queryable, projectId: number, key: string, scope = 'read_write'): Promise<void> {
  await db.query('insert into api_keys (scope, project_id, prefix, hash) values ($1, $2, $3, $4)', [
    scope,
    projectId,
    key.slice(0, 8),
    createHash('sha256').update(key).digest(),
  ]);
}

type TestLike = Parameters<typeof startTestServer>[0];

const RW = 'hcw_rwkeyrwkeyrwkeyrwkeyrwkey123';

async function setup(t: TestLike, respond?: Responder) {
  const receiver = await startHttpReceiver(t, { respond });
  const server = await startTestServer(t, { env: { INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true' } });
  const project = await insertProject(server.pool, { name: 'Infra' });
  await insertKey(server.pool, project.id, RW);
  const channel = await insertChannel(server.pool, project.id, {
    config: { method_down: 'POST', url_down: `${receiver.url}/hook`, body_down: '$NAME $STATUS $JSON' },
  });
  const post = (code: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v3/channels/${code}/test`, { method: 'POST', headers: { 'X-Api-Key': RW }, ...init });
  return { receiver, server, project, channel, post };
}

t.test('a test notification is sent at once through the channel and logged', async (t) => {
  const { receiver, server, channel, post } = await setup(t);
  const res = await post(channel.code);
  t.equal(res.status, 200);
  t.same(await res.json(), { status: 'sent', direction: 'down' });
  t.equal(receiver.requests.length, 1);
  t.match(receiver.requests[0]?.body, /^TEST down \{"name":"TEST"/);
  const log = await server.pool.query('select check_id, check_status, error from notifications');
  t.same(log.rows, [{ check_id: null, check_status: 'test', error: '' }]);
  const ch = await server.pool.query('select last_notify, last_error from channels');
  t.same(ch.rows, [{ last_notify: server.clock.now, last_error: '' }]);
});

t.test('a failing target gives 502 with the error; the channel is not disabled', async (t) => {
  const { server, channel, post } = await setup(t, () => ({ status: 404 }));
  const res = await post(channel.code);
  t.equal(res.status, 502);
  t.same(await res.json(), { error: 'Could not send a test notification: Received status code 404', permanent: true });
  const ch = await server.pool.query('select disabled, last_error from channels');
  t.same(ch.rows, [{ disabled: false, last_error: 'Received status code 404' }]);
});

t.test('a channel that only sends "up" gets an up test', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const server = await startTestServer(t, { env: { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false' } });
  const project = await insertProject(server.pool);
  await insertKey(server.pool, project.id, RW);
  const channel = await insertChannel(server.pool, project.id, { kind: 'email', config: { address: 'ops@example.org', down: false } });
  const res = await fetch(`${server.url}/api/v3/channels/${channel.code}/test`, { method: 'POST', body: JSON.stringify({ api_key: RW }) });
  t.same(await res.json(), { status: 'sent', direction: 'up' });
  t.equal(smtp.messages[0]?.parsed.subject, 'UP | TEST');
});

t.test('authentication and lookup errors are the API\'s own, with CORS headers', async (t) => {
  const { server, channel, post, receiver } = await setup(t);
  const other = await insertProject(server.pool);
  const otherKey = 'hcw_otherotherotherotherother123';
  await insertKey(server.pool, other.id, otherKey);
  const readOnly = 'hcr_readreadreadreadreadread1234';
  await insertKey(server.pool, channel.project_id, readOnly, 'read_only');
  const cases: Array<[RequestInit, string, number, unknown]> = [
    [{ headers: {} }, channel.code, 401, { error: 'missing api key' }],
    [{ headers: { 'X-Api-Key': 'hcw_nosuchkeynosuchkeynosuchkey1' } }, channel.code, 401, { error: 'wrong api key' }],
    [{ headers: { 'X-Api-Key': readOnly } }, channel.code, 401, { error: 'wrong api key' }],
    [{ headers: {}, body: '{bad json' }, channel.code, 400, { error: 'could not parse request body' }],
    [{ headers: {}, body: '[1]' }, channel.code, 400, { error: 'json validation error: value is not an object' }],
  ];
  for (const [init, code, status, body] of cases) {
    const res = await post(code, init);
    t.equal(res.status, status, JSON.stringify(init));
    t.same(await res.json(), body);
  }
  const missing = await post('6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90');
  t.same([missing.status, await missing.text()], [404, '']);
  const forbidden = await post(channel.code, { headers: { 'X-Api-Key': otherKey } });
  t.equal(forbidden.status, 403);
  t.equal(await forbidden.text(), '');
  t.equal(forbidden.headers.get('access-control-allow-origin'), '*');
  t.equal(receiver.requests.length, 0, 'nothing was sent');
});
