// `npm run bench:ping`: load on the real ping endpoint, beside two peers measured in the same
// run on the same machine: a bare node:http server answering "OK", and a minimal server doing
// one INSERT per request on the same database. Load comes from wrk over loopback; PostgreSQL is
// a cluster of our own, with durable settings (fsync and synchronous commit on) as in
// production unless --relaxed. After the ping run, every acknowledged ping is looked for in
// the database.
//
//   npm run bench:ping -- [--duration 20] [--connections 64] [--checks 1000] [--pool 20] [--relaxed]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../app/src/config.ts';
import type { AppContext } from '../app/src/context.ts';
import { ensureDatabase, startCluster } from '../app/src/db/cluster.ts';
import { migrate } from '../app/src/db/migrate.ts';
import { createPool } from '../app/src/db/pool.ts';
import { createHttpServer, listen } from '../app/src/http/server.ts';
import { createLogger } from '../app/src/log.ts';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    checks: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '20' },
    relaxed: { type: 'boolean', default: false },
    // Skip the peers (for quick tuning runs); the ratios are then not printed.
    'ping-only': { type: 'boolean', default: false },
  },
});
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const CHECKS = Number(opts.checks);
const POOL = Number(opts.pool);
// What runitor sends after a run: a POST with the command's output.
const BODY = 'Backup finished: 1204 files, 3.2 GiB, 0 errors.\n'.repeat(2);

interface Result {
  name: string;
  /** CPU time per request of this process (the server) and of PostgreSQL, in µs. */
  serverCpu: number;
  pgCpu: number;
  ok: number;
  bad: number;
  socketErrors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

// wrk's Lua hooks: random target per request, per-thread counts of 2xx and other answers.
const WRK_SCRIPT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  ok, bad = 0, 0
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
local headers = { ["Content-Type"] = "text/plain", ["User-Agent"] = "runitor/v1.3.0 (linux-amd64; bench)" }
request = function()
  return wrk.format("POST", paths[math.random(#paths)], headers, ${JSON.stringify(BODY)})
end
response = function(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end
done = function(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", o, b, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

/** CPU seconds used so far by the PostgreSQL server whose postmaster is `pid`, and its children. */
function postgresCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // After "pid (comm) ": state ppid ... utime is field 14, stime 15 (1-based in proc(5)).
      if (Number(entry) === pid || Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / 100;
}

async function runWrk(name: string, url: string, pathsFile: string, scriptFile: string, postmaster: number): Promise<Result> {
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuSeconds(postmaster);
  const args = ['-t', '2', '-c', String(CONNECTIONS), '-d', `${DURATION}s`, '--timeout', '10s', '-s', scriptFile, url, '--', pathsFile];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => reject(new Error(`cannot run wrk (apt-get install wrk): ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`))));
  });
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = postgresCpuSeconds(postmaster) - pg0;
  const match = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(output);
  if (!match) throw new Error(`no RESULT line from wrk:\n${output}`);
  const [ok, bad, socketErrors, p50, p90, p99, max] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const requests = Math.max(1, ok + bad);
  const serverCpu = (cpu.user + cpu.system) / requests;
  const pgCpu = (pgSeconds * 1e6) / requests;
  return { name, serverCpu, pgCpu, ok, bad, socketErrors, rps: (ok + bad) / DURATION, p50: p50 / 1000, p90: p90 / 1000, p99: p99 / 1000, max: max / 1000 };
}

function serve(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  return listen(server, '127.0.0.1', 0).then((port) => ({ server, url: `http://127.0.0.1:${port}` }));
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The two peers, on the same paths and body: bare node:http, then one INSERT per request. */
async function runPeers(databaseUrl: string, pathsFile: string, scriptFile: string, postmaster: number): Promise<Result[]> {
  const ok = (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '2' }).end('OK');
  const bare = await serve((req, res) => {
    req.resume();
    req.on('end', () => ok(res));
  });
  const bareResult = await runWrk('node:http "OK"', bare.url, pathsFile, scriptFile, postmaster);
  await close(bare.server);

  const insertPool = createPool(databaseUrl, POOL);
  const insert = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = (req.url ?? '').slice('/ping/'.length);
      insertPool
        .query({ name: 'bare', text: 'insert into bare_pings (code, created_at, body) values ($1, $2, $3)', values: [code, new Date(), Buffer.concat(chunks)] })
        .then(() => ok(res))
        .catch(() => res.writeHead(500).end());
    });
  });
  const insertResult = await runWrk('one INSERT per request', insert.url, pathsFile, scriptFile, postmaster);
  await close(insert.server);
  await insertPool.end();
  return [bareResult, insertResult];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-bench-ping-'));
  chmodSync(dir, 0o711);
  const settings: Record<string, string> = { max_connections: '200', shared_buffers: '256MB' };
  if (opts.relaxed) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  const cluster = await startCluster({ dataDir: path.join(dir, 'pg'), settings });
  const stops: Array<() => Promise<void>> = [async () => cluster.stop(), async () => rmSync(dir, { recursive: true, force: true })];
  try {
    await ensureDatabase(cluster, 'bench');
    const postmaster = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const databaseUrl = cluster.connectionString('bench');
    const setup = new pg.Client({ connectionString: databaseUrl });
    await setup.connect();
    await migrate(setup);
    // The peer's table: what a ping would be if it were only an INSERT.
    await setup.query('create table bare_pings (id bigint generated always as identity primary key, code uuid not null, created_at timestamptz not null, body bytea)');
    const { rows } = await setup.query<{ id: number }>(
      `insert into projects (code, name, ping_key, badge_key) values ($1, 'bench', 'benchbenchbenchbench00', $2) returning id`,
      [randomUUID(), randomUUID()],
    );
    const projectId = rows[0]!.id;
    const codes: string[] = [];
    for (let i = 0; i < CHECKS; i++) codes.push(randomUUID());
    await setup.query(
      `insert into checks (code, project_id, badge_key, timeout_seconds, grace_seconds)
       select code, $2, gen_random_uuid(), 3600, 600 from unnest($1::uuid[]) as code`,
      [codes, projectId],
    );
    await setup.end();

    const pathsFile = path.join(dir, 'paths.txt');
    writeFileSync(pathsFile, codes.map((c) => `/ping/${c}`).join('\n') + '\n');
    const scriptFile = path.join(dir, 'bench.lua');
    writeFileSync(scriptFile, WRK_SCRIPT);
    const results: Result[] = [];

    if (!opts['ping-only']) results.push(...(await runPeers(databaseUrl, pathsFile, scriptFile, postmaster)));

    // The real ping endpoint, through the same server assembly as `cronwarden ping`.
    const config = loadConfig({ DATABASE_URL: databaseUrl, DB_POOL_SIZE: String(POOL), PING_LOG_LIMIT: '100', LOG_LEVEL: 'error', PORT: '0' });
    const pool = createPool(databaseUrl, POOL);
    const ctx: AppContext = { config, log: createLogger('error'), pool, clock: () => new Date() };
    const app = createHttpServer(ctx, { api: true });
    const port = await listen(app, '127.0.0.1', 0);
    const commits = async () =>
      (await pool.query<{ n: number }>('select xact_commit::bigint as n from pg_stat_database where datname = current_database()')).rows[0]!.n;
    const commits0 = await commits();
    const ping = await runWrk('Cronwarden ping', `http://127.0.0.1:${port}`, pathsFile, scriptFile, postmaster);
    results.push(ping);
    await close(app);
    // Statistics reach pg_stat_database when a backend goes idle; the pool's clients are idle now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pingCommits = (await commits()) - commits0;

    // Every acknowledged ping must be in the database. n_pings counts them; the pings kept per
    // check must be exactly the newest min(n_pings, PING_LOG_LIMIT) after pruning. Requests
    // still in flight when wrk stopped may be recorded without wrk having read the answer,
    // so the database may hold up to one more ping per connection.
    const { rows: counts } = await pool.query<{ counted: number; logged: number; bad_checks: number }>(
      `select coalesce(sum(n_pings), 0)::bigint as counted,
              (select count(*) from pings)::bigint as logged,
              count(*) filter (where kept <> least(n_pings, $1) or max_n is distinct from nullif(n_pings, 0))::bigint as bad_checks
         from (select c.n_pings,
                      (select count(*) from pings p where p.check_id = c.id and p.n > c.n_pings - $1) as kept,
                      (select max(n) from pings p where p.check_id = c.id) as max_n
                 from checks c) as per_check`,
      [config.pingLogLimit],
    );
    await pool.end();
    const { counted, logged, bad_checks: badChecks } = counts[0]!;

    const [bareResult, insertResult] = results.length === 3 ? results : [];
    const line = (r: Result) =>
      `${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p90 ${r.p90.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  max ${r.max.toFixed(1).padStart(7)} ms  errors ${r.bad + r.socketErrors}  CPU/req: server ${r.serverCpu.toFixed(0).padStart(4)} µs, PostgreSQL ${r.pgCpu.toFixed(0).padStart(4)} µs`;
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    process.stdout.write(
      [
        `bench:ping  ${DURATION}s per server, wrk -t2 -c${CONNECTIONS}, ${CHECKS} checks, POST ${BODY.length}-byte body, pool ${POOL}, ` +
          `PostgreSQL ${opts.relaxed ? 'RELAXED (fsync off)' : 'durable (fsync, synchronous_commit on)'}, ${os.cpus().length} CPUs, load ${load}`,
        ...results.map(line),
        '',
        ...(bareResult && insertResult
          ? [`ping / node:http          ${(ping.rps / bareResult.rps).toFixed(3)}`, `ping / one INSERT         ${(ping.rps / insertResult.rps).toFixed(3)}`, '']
          : []),
        `transactions committed during the ping run: ${pingCommits} (${(ping.ok / Math.max(1, pingCommits)).toFixed(1)} pings per commit)`,
        `acknowledged pings ${ping.ok}, counted in checks.n_pings ${counted}, rows in pings ${logged}, checks with a wrong ping log ${badChecks}`,
        `every acknowledged ping recorded: ${counted >= ping.ok && counted - ping.ok <= CONNECTIONS && badChecks === 0 ? 'yes' : 'NO'}`,
        `target (>= 5000 pings/s, p99 < 50 ms, 0 errors): ${ping.rps >= 5000 && ping.p99 < 50 && ping.bad + ping.socketErrors === 0 ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const stop of stops) await stop();
  }
}

await main();
