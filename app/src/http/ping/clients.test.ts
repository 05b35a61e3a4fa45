// Real clients' traffic against the real server: runitor's requests replayed byte for byte,
// and the ping snippets of Healthchecks' documentation run verbatim with curl.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { readCheck, readPings } from './test-support.ts';

const RUNITOR_UA = 'runitor/v1.3.0 (linux-amd64; +https://bdd.fi/x/runitor)';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request as runitor's Go client sends it: POST, text/plain, its User-Agent, an exact Content-Length. */
function runitorPost(url: string, body = ''): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'User-Agent': RUNITOR_UA, 'Content-Length': String(payload.length), 'Accept-Encoding': 'gzip' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

t.test('runitor -uuid: start, then the exit code with the output, paired by run id', async (t) => {
  const { url, pool, clock } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const rid = randomUUID();
  const start = await runitorPost(`${url}/ping/${check.code}/start?rid=${rid}`);
  t.equal(start.status, 200);
  t.equal(start.body, 'OK');
  t.equal(start.headers['ping-body-limit'], '10000', 'runitor sizes its output buffer from this');
  clock.advance(42.5);
  const output = 'rsync: 1204 files transferred\nrsync error: some files could not be transferred (code 23)\n[runitor] exit status 23';
  const end = await runitorPost(`${url}/ping/${check.code}/23?rid=${rid}`, output);
  t.equal(end.status, 200);
  t.match(await readPings(pool, check.id), [
    { n: 1, kind: 'start', rid, method: 'POST', ua: RUNITOR_UA, body: null, duration_ms: null },
    { n: 2, kind: 'fail', rid, exit_status: 23, body: Buffer.from(output), duration_ms: 42_500 },
  ]);
  t.match(await readCheck(pool, check.id), { status: 'down', last_start: null, last_duration_ms: 42_500 });
});

t.test('runitor -uuid: a successful run is a success ping on the bare URL', async (t) => {
  const { url, pool, clock } = await startTestServer(t);
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const rid = randomUUID();
  await runitorPost(`${url}/ping/${check.code}/start?rid=${rid}`);
  clock.advance(3);
  const end = await runitorPost(`${url}/ping/${check.code}?rid=${rid}`, 'done\n');
  t.equal(end.status, 200);
  t.match(await readPings(pool, check.id), [{ kind: 'start' }, { kind: 'success', exit_status: null, duration_ms: 3000, body: Buffer.from('done\n') }]);
  t.match(await readCheck(pool, check.id), { status: 'up', last_duration_ms: 3000 });
});

t.test('runitor -ping-key -slug -create: the start creates the check (201), the end pings it (200)', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const rid = randomUUID();
  // url.Values.Encode sorts keys: create before rid.
  const start = await runitorPost(`${url}/ping/${project.ping_key}/nightly-backup/start?create=1&rid=${rid}`);
  t.equal(start.status, 201);
  t.equal(start.body, 'Created');
  t.equal(start.headers['ping-body-limit'], '10000');
  const end = await runitorPost(`${url}/ping/${project.ping_key}/nightly-backup/0?create=1&rid=${rid}`, 'ok\n');
  t.equal(end.status, 200);
  t.equal(end.body, 'OK');
  const { rows } = await pool.query('select id, name, status from checks where project_id = $1 and slug = $2', [project.id, 'nightly-backup']);
  t.match(rows, [{ name: 'nightly-backup', status: 'up' }]);
  t.match(await readPings(pool, rows[0].id), [{ kind: 'start', rid }, { kind: 'success', exit_status: 0, rid, duration_ms: 0 }]);
});

interface DocCase {
  doc: string;
  prelude?: string;
  script: string;
  pingKey?: string;
  expectSlug?: string;
  expectOutput?: string;
  expect: Array<{
    kind: string;
    method?: string;
    exit_status?: number | null;
    body?: string | null;
    bodyEndsWith?: string;
    bodyLength?: number;
    sameRid?: boolean;
    duration_ms?: number;
  }>;
}

const docs = JSON.parse(readFileSync(new URL('./fixtures/healthchecks-docs.json', import.meta.url), 'utf8')) as { cases: DocCase[] };

function runBash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

t.test('the ping snippets of Healthchecks\' documentation work verbatim', async (t) => {
  const { url, pool } = await startTestServer(t);
  t.teardown(() => rmSync('/tmp/certbot-renew.log', { force: true })); // written by one snippet
  for (const c of docs.cases) {
    await t.test(c.doc, async (t) => {
      const project = await insertProject(pool);
      const check = await insertCheck(pool, project.id);
      let script = c.script
        .replaceAll('PING_URL', `${url}/ping/${check.code}`)
        .replaceAll('PING_ENDPOINT', `${url}/ping/`)
        .replaceAll('PING_BODY_LIMIT', '10000');
      if (c.pingKey) script = script.replaceAll(c.pingKey, project.ping_key!);
      const result = await runBash(`${c.prelude ?? ''}\n${script}`);
      t.equal(result.code, 0, 'the script succeeds');
      if (result.code !== 0) t.comment(result.stderr);
      if (c.expectOutput !== undefined) t.equal(result.stdout, c.expectOutput);
      let checkId = check.id;
      if (c.expectSlug) {
        const { rows } = await pool.query('select id from checks where project_id = $1 and slug = $2', [project.id, c.expectSlug]);
        t.equal(rows.length, 1, 'the check was auto-provisioned');
        checkId = rows[0]?.id;
      }
      const pings = await readPings(pool, checkId);
      t.equal(pings.length, c.expect.length, 'pings logged');
      c.expect.forEach((want, i) => {
        const ping = pings[i];
        t.equal(ping?.kind, want.kind, `ping ${i + 1} kind`);
        if (want.method) t.equal(ping?.method, want.method);
        if (want.exit_status !== undefined) t.equal(ping?.exit_status, want.exit_status, 'exit status');
        if (want.body !== undefined) t.equal(ping?.body?.toString() ?? null, want.body, 'body');
        if (want.bodyEndsWith) t.ok(ping?.body?.toString().endsWith(want.bodyEndsWith), 'body tail');
        if (want.bodyLength !== undefined) t.equal(ping?.body?.length, want.bodyLength, 'body length');
        if (want.sameRid) t.match(ping?.rid, /^[0-9a-f-]{36}$/, 'run id');
        if (want.duration_ms !== undefined) t.equal(ping?.duration_ms, want.duration_ms, 'duration');
      });
      if (c.expect.some((e) => e.sameRid)) t.equal(new Set(pings.map((p) => p.rid)).size, 1, 'one run id for the run');
    });
  }
});
