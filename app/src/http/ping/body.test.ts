import http from 'node:http';
import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { readCheck, readPings } from './test-support.ts';

/** POSTs `chunks` one write at a time (chunked transfer), as a streaming client does. */
function postStream(url: string, chunks: Iterable<Buffer>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

t.test('a body over PING_BODY_LIMIT is truncated, never refused', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const body = Buffer.alloc(25_000, 'a');
  body.write('START', 0);
  const res = await fetch(`${url}/ping/${check.code}`, { method: 'POST', body });
  t.equal(res.status, 200);
  t.equal(await res.text(), 'OK');
  const [ping] = await readPings(pool, check.id);
  t.equal(ping?.body?.length, 10_000);
  t.same(ping?.body, body.subarray(0, 10_000));
});

t.test('a streamed body of many megabytes is read to the end and only its head is kept', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { PING_BODY_LIMIT: '100' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  function* chunks() {
    for (let i = 0; i < 480; i++) yield Buffer.alloc(64 * 1024, i % 26 + 97); // 30 MiB
  }
  const res = await postStream(`${url}/ping/${check.code}/log`, chunks());
  t.same(res, { status: 200, body: 'OK' });
  const [ping] = await readPings(pool, check.id);
  t.same(ping?.body, Buffer.alloc(100, 'a'));
  t.equal(ping?.kind, 'log');
});

t.test('a body cut across chunks keeps exactly the first PING_BODY_LIMIT bytes', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { PING_BODY_LIMIT: '7' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const res = await postStream(`${url}/ping/${check.code}`, [Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ijk')]);
  t.equal(res.status, 200);
  t.same((await readPings(pool, check.id))[0]?.body, Buffer.from('abcdefg'));
});

t.test('PING_BODY_LIMIT=0 stores no body; None stores all of it', async (t) => {
  const zero = await startTestServer(t, { env: { PING_BODY_LIMIT: '0' } });
  const a = await insertCheck(zero.pool, (await insertProject(zero.pool)).id);
  t.equal((await fetch(`${zero.url}/ping/${a.code}`, { method: 'POST', body: 'dropped' })).status, 200);
  t.equal((await readPings(zero.pool, a.id))[0]?.body, null);

  const none = await startTestServer(t, { env: { PING_BODY_LIMIT: 'None' } });
  const b = await insertCheck(none.pool, (await insertProject(none.pool)).id);
  const big = Buffer.alloc(50_000, 'z');
  t.equal((await fetch(`${none.url}/ping/${b.code}`, { method: 'POST', body: big })).status, 200);
  t.same((await readPings(none.pool, b.id))[0]?.body, big);
});

t.test('a body that is not UTF-8 is stored byte for byte', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const body = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0x80, 0x63, 0x6f, 0x6e, 0x66, 0x69, 0x72, 0x6d]);
  const res = await fetch(`${url}/ping/${check.code}/fail`, { method: 'POST', body });
  t.equal(res.status, 200);
  t.same((await readPings(pool, check.id))[0]?.body, body);
  t.match(await readCheck(pool, check.id), { status: 'down', has_confirmation_link: true });
});

t.test('a cut UTF-8 character at the limit is kept as the raw bytes and filtered without error', async (t) => {
  const { url, pool } = await startTestServer(t, { env: { PING_BODY_LIMIT: '8' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id, { filter_http_body: true, success_kw: 'ok' });
  const res = await fetch(`${url}/ping/${check.code}`, { method: 'POST', body: 'ok: 日本語' }); // limit falls inside 本
  t.equal(res.status, 200);
  const [ping] = await readPings(pool, check.id);
  t.same(ping?.body, Buffer.from('ok: 日本語').subarray(0, 8));
  t.equal(ping?.kind, 'success');
});

t.test('a client that goes away mid-body is not recorded', async (t) => {
  const { url, pool } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  await new Promise<void>((resolve) => {
    const req = http.request(`${url}/ping/${check.code}`, { method: 'POST', headers: { 'Content-Length': '1000' } });
    req.on('error', () => resolve());
    req.write('only part of it', () => setTimeout(() => req.destroy(), 50));
  });
  // The handler answers nothing to a client that is gone; give the server a moment to see it.
  const probe = await fetch(`${url}/ping/${check.code}/log`);
  t.equal(probe.status, 200);
  t.match(await readPings(pool, check.id), [{ kind: 'log', n: 1 }], 'only the probe');
});
