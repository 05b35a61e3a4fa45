import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { readPings } from './test-support.ts';

const ping = async (url: string, code: string, headers: Record<string, string>) => {
  const res = await fetch(`${url}/ping/${code}`, { headers });
  return res.status;
};

t.test('X-Forwarded-For and X-Forwarded-Proto from a trusted proxy are believed', async (t) => {
  // The default TRUSTED_PROXIES (127.0.0.1/8, ::1/128) trusts the test client.
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' }), 200);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '198.51.100.1, 203.0.113.10' }), 200);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '203.0.113.11:61234' }), 200);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '2001:db8::7' }), 200);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': 'not-an-address' }), 200);
  t.equal(await ping(url, check.code, {}), 200);
  t.match(await readPings(pool, check.id), [
    { remote_addr: '203.0.113.9', scheme: 'https' },
    { remote_addr: '203.0.113.10', scheme: 'http' },
    { remote_addr: '203.0.113.11', scheme: 'http' },
    { remote_addr: '2001:db8::7', scheme: 'http' },
    { remote_addr: '127.0.0.1', scheme: 'http' },
    { remote_addr: '127.0.0.1', scheme: 'http' },
  ]);
});

t.test('forwarding headers from a peer outside TRUSTED_PROXIES are ignored', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { TRUSTED_PROXIES: '10.0.0.0/8' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' }), 200);
  t.match(await readPings(pool, check.id), [{ remote_addr: '127.0.0.1', scheme: 'http' }]);
});

t.test('a TRUSTED_PROXIES of blanks trusts nobody', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { TRUSTED_PROXIES: ' ' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  t.equal(await ping(url, check.code, { 'X-Forwarded-For': '203.0.113.9' }), 200);
  t.match(await readPings(pool, check.id), [{ remote_addr: '127.0.0.1' }]);
});
