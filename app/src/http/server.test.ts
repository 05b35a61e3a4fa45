import t from 'tap';
import { createPool } from '../db/pool.ts';
import { startTestServer } from '../testing/server.ts';

t.test('the status endpoint answers OK when the database does, in every API version', async (t) => {
  const { url } = await startTestServer(t);
  for (const version of [1, 2, 3]) {
    const res = await fetch(`${url}/api/v${version}/status/`);
    t.equal(res.status, 200);
    t.equal(await res.text(), 'OK');
  }
});

t.test('the status endpoint answers 500 when the database does not', async (t) => {
  const { url, ctx } = await startTestServer(t);
  // A pool whose server does not exist fails every query, as a dead database would.
  const deadPool = createPool('postgresql://cronwarden@%2Fnonexistent/cronwarden', 1);
  t.teardown(() => deadPool.end());
  Object.assign(ctx, { pool: deadPool });
  const res = await fetch(`${url}/api/v3/status/`);
  t.equal(res.status, 500);
  t.equal(await res.text(), 'database unavailable');
});

t.test('a ping-only server answers nothing but pings', async (t) => {
  const { url } = await startTestServer(t, { api: false });
  const res = await fetch(`${url}/api/v3/status/`);
  t.equal(res.status, 404);
});

t.test('with a path in SITE_ROOT every route lives under it', async (t) => {
  const { url } = await startTestServer(t, { env: { SITE_ROOT: 'http://127.0.0.1/hc' } });
  t.match(url, /\/hc$/);
  t.equal((await fetch(`${url}/api/v3/status/`)).status, 200);
  t.equal((await fetch(url.replace(/\/hc$/, '/api/v3/status/'))).status, 404);
});
