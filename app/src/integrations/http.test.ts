import t from 'tap';
import { parseCidr, type Cidr } from '../env.ts';
import { startHttpReceiver } from '../testing/receivers.ts';
import { isPrivateAddress } from './address-guard.ts';
import { createHttpClient, expectSuccess, HTTP_ERRORS, parseRetryAfter } from './http.ts';

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (parsed === null) throw new Error(text);
  return parsed;
};

// The guard as in production (private addresses refused), with one exception so that a test
// server can stand in for a public host: 127.0.0.2 is allowed, 127.0.0.1 is not.
function guardedClient(t: { teardown(fn: () => void): void }, options: { timeoutMs?: number } = {}) {
  const client = createHttpClient({ allowPrivateIps: false, allowedNetworks: [cidr('127.0.0.2/32')], ...options });
  t.teardown(() => client.close());
  return client;
}

t.test('private, loopback, link-local and mapped addresses are private; public ones are not', async (t) => {
  for (const address of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '172.20.0.1', '192.168.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1']) {
    t.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111']) t.equal(isPrivateAddress(address), false, address);
});

t.test('a request to an allowed address goes through', async (t) => {
  const receiver = await startHttpReceiver(t, { host: '127.0.0.2' });
  const res = await guardedClient(t).request({ method: 'GET', url: `${receiver.url}/ok` });
  t.equal(res.status, 200);
  t.equal(res.body, 'OK');
});

t.test('a private IP in the URL is refused before connecting', async (t) => {
  const receiver = await startHttpReceiver(t);
  await t.rejects(guardedClient(t).request({ method: 'GET', url: `${receiver.url}/` }), { message: HTTP_ERRORS.private, permanent: false });
  t.equal(receiver.requests.length, 0);
});

t.test('a hostname resolving to a private address is refused at connect time', async (t) => {
  const receiver = await startHttpReceiver(t);
  await t.rejects(guardedClient(t).request({ method: 'GET', url: `http://localhost:${receiver.port}/` }), { message: HTTP_ERRORS.private });
  t.equal(receiver.requests.length, 0);
});

t.test('a redirect to a private address is refused, also through a hostname', async (t) => {
  const inside = await startHttpReceiver(t);
  const outside = await startHttpReceiver(t, {
    host: '127.0.0.2',
    respond: (req) => ({ status: 302, headers: { Location: req.url === '/by-ip' ? `${inside.url}/secret` : `http://localhost:${inside.port}/secret` } }),
  });
  const client = guardedClient(t);
  await t.rejects(client.request({ method: 'GET', url: `${outside.url}/by-ip` }), { message: HTTP_ERRORS.private });
  await t.rejects(client.request({ method: 'GET', url: `${outside.url}/by-name` }), { message: HTTP_ERRORS.private });
  t.equal(inside.requests.length, 0, 'nothing reached the private server');
  t.equal(outside.requests.length, 2);
});

t.test('INTEGRATIONS_ALLOW_PRIVATE_IPS lets every address through', async (t) => {
  const receiver = await startHttpReceiver(t);
  const client = createHttpClient({ allowPrivateIps: true, allowedNetworks: [] });
  t.teardown(() => client.close());
  t.equal((await client.request({ method: 'GET', url: `http://localhost:${receiver.port}/` })).status, 200);
});

t.test('up to three redirects are followed; a fourth is "Too many redirects"', async (t) => {
  const receiver = await startHttpReceiver(t, {
    host: '127.0.0.2',
    respond: (req) => {
      const n = Number(req.url.slice(1));
      return n > 0 ? { status: 307, headers: { Location: `/${n - 1}` } } : { status: 204 };
    },
  });
  const client = guardedClient(t);
  t.equal((await client.request({ method: 'POST', url: `${receiver.url}/3`, body: 'x' })).status, 204);
  t.same(receiver.requests.map((r) => `${r.method} ${r.url} ${r.body}`), ['POST /3 x', 'POST /2 x', 'POST /1 x', 'POST /0 x'], '307 keeps method and body');
  await t.rejects(client.request({ method: 'GET', url: `${receiver.url}/4` }), { message: HTTP_ERRORS.redirects });
});

t.test('303 turns a POST into a GET, and credentials are not sent to another origin', async (t) => {
  const other = await startHttpReceiver(t, { host: '127.0.0.2' });
  const first = await startHttpReceiver(t, { host: '127.0.0.2', respond: () => ({ status: 303, headers: { Location: `${other.url}/next` } }) });
  await guardedClient(t).request({ method: 'POST', url: `${first.url}/`, body: 'payload', headers: { Authorization: 'Bearer x', 'X-Keep': 'y' } });
  t.same([first.requests[0]?.method, first.requests[0]?.headers.authorization], ['POST', 'Bearer x']);
  const next = other.requests[0];
  t.same([next?.method, next?.body, next?.headers.authorization, next?.headers['x-keep']], ['GET', '', undefined, 'y']);
});

t.test('a target that does not answer in time is "Connection timed out"', async (t) => {
  const receiver = await startHttpReceiver(t, { host: '127.0.0.2', respond: () => new Promise(() => {}) });
  await t.rejects(guardedClient(t, { timeoutMs: 200 }).request({ method: 'GET', url: `${receiver.url}/slow` }), { message: HTTP_ERRORS.timeout, permanent: false });
});

t.test('an unknown host is "Could not resolve host"; a refused port "Connection failed"', async (t) => {
  const client = createHttpClient({ allowPrivateIps: true, allowedNetworks: [] });
  t.teardown(() => client.close());
  await t.rejects(client.request({ method: 'GET', url: 'http://no-such-host.invalid/' }), { message: HTTP_ERRORS.resolve });
  await t.rejects(client.request({ method: 'GET', url: 'http://127.0.0.1:1/' }), { message: HTTP_ERRORS.connect });
  await t.rejects(client.request({ method: 'GET', url: 'file:///etc/passwd' }), { message: 'Unsupported URL scheme: file:', permanent: true });
});

t.test('only 200, 201, 202 and 204 are success; Retry-After is read as seconds or a date', async (t) => {
  const now = new Date('2026-01-15T12:00:00Z');
  const response = (status: number, retryAfter?: string) => ({ status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }, body: '' });
  for (const status of [200, 201, 202, 204]) t.doesNotThrow(() => expectSuccess(response(status), now));
  for (const status of [203, 206, 301, 400, 500]) t.throws(() => expectSuccess(response(status), now), { message: `Received status code ${status}` });
  t.throws(() => expectSuccess(response(404), now, { permanent: [404] }), { message: 'Received status code 404', permanent: true });
  t.equal(parseRetryAfter('120', now), 120);
  t.equal(parseRetryAfter('Thu, 15 Jan 2026 12:01:00 GMT', now), 60);
  t.equal(parseRetryAfter('soon', now), null);
  t.equal(parseRetryAfter(undefined, now), null);
});
