// `npm run bench:alerts`: 10,000 checks whose deadlines pass within one minute, each with a
// webhook to a local receiver (another process). Measures, per notification, the time from
// the check's deadline to the moment the receiver got the request, the time to the last
// delivery and the delivery rate, against the goal of a p99 under 5 s. Two scenarios: the
// deadlines spread over the minute, then all 10,000 in the same second (the worst case).
// BENCH_CHECKS changes the number of checks, BENCH_ONLY=spread|burst runs one scenario,
// BENCH_LOG=info shows the engine's log.
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createAlertEngine } from '../app/src/alerts/engine.ts';
import { loadConfig } from '../app/src/config.ts';
import { createPool } from '../app/src/db/pool.ts';
import { createLogger } from '../app/src/log.ts';
import { startTestCluster, TEMPLATE_DATABASE } from '../app/src/testing/cluster.ts';

const CHECKS = Number(process.env.BENCH_CHECKS ?? 10_000);
const GOAL_P99_MS = 5000;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Receiver {
  port: number;
  ask<T>(type: string): Promise<T>;
  stop(): void;
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(path.join(here, 'bench-alerts-receiver.ts'), [], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    port,
    ask: <T>(type: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (m: T) => resolve(m));
        child.send({ type });
      }),
    stop: () => child.send({ type: 'exit' }),
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function scenario(name: string, spreadMs: number, connect: (db: string) => string, receiver: Receiver, database: string) {
  const admin = new pg.Client({ connectionString: connect('postgres') });
  await admin.connect();
  await admin.query(`create database ${database} template ${TEMPLATE_DATABASE}`);
  await admin.end();
  const pool = createPool(connect(database), 20);

  const project = await pool.query(`insert into projects (code, name, badge_key) values (gen_random_uuid(), 'bench', 'bench') returning id`);
  const projectId: number = project.rows[0].id;
  // Deadlines start 4 s from now, so the engine is already idle and polling when they pass.
  const start = Date.now() + 4000;
  await pool.query(
    `insert into checks (code, badge_key, project_id, name, status, timeout_seconds, grace_seconds, last_ping, alert_after)
     select gen_random_uuid(), gen_random_uuid(), $1, 'check ' || i, 'up', 3600, 60,
            d - interval '3660 seconds', d
       from (select i, $2::timestamptz + (random() * $3) * interval '1 millisecond' as d
               from generate_series(1, $4) as i) x`,
    [projectId, new Date(start), spreadMs, CHECKS],
  );
  await pool.query(
    `with c as (select id, code from checks)
     insert into channels (code, project_id, kind, config)
     select c.code, $1, 'webhook', jsonb_build_object('method_down', 'POST', 'url_down', 'http://127.0.0.1:' || $2::int || '/hook/$CODE', 'body_down', '$NAME')
       from c`,
    [projectId, receiver.port],
  );
  await pool.query(`insert into check_channels (check_id, channel_id) select k.id, c.id from checks k join channels c on c.code = k.code`);
  const deadlines = new Map<string, number>();
  for (const row of (await pool.query<{ code: string; alert_after: Date }>('select code, alert_after from checks')).rows) {
    deadlines.set(row.code, row.alert_after.getTime());
  }

  await receiver.ask('reset');
  const config = loadConfig({ INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', DB_POOL_SIZE: '20' });
  const engine = createAlertEngine({ config, pool, log: createLogger(process.env.BENCH_LOG ?? 'warn'), clock: () => new Date() });
  const loadBefore = os.loadavg()[0] ?? 0;
  engine.start();
  const lastDeadline = Math.max(...deadlines.values());
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { count } = await receiver.ask<{ count: number }>('count');
    if (count >= CHECKS) break;
    if (Date.now() > lastDeadline + 300_000) throw new Error(`only ${count} of ${CHECKS} notifications after 5 minutes`);
  }
  await engine.stop(1000);
  const loadAfter = os.loadavg()[0] ?? 0;
  const { received, duplicates } = await receiver.ask<{ received: Array<[string, number]>; duplicates: number }>('report');
  const mine = received.filter(([code]) => deadlines.has(code));
  const latencies = mine.map(([code, at]) => at - (deadlines.get(code) ?? at)).sort((a, b) => a - b);
  const firstReceive = Math.min(...mine.map(([, at]) => at));
  const lastReceive = Math.max(...mine.map(([, at]) => at));
  const sent = await pool.query("select count(*)::int as n from deliveries where state = 'sent'");
  await pool.end();

  const p99 = quantile(latencies, 0.99);
  console.log(`\n${name}: ${CHECKS} checks, deadlines over ${spreadMs / 1000} s`);
  console.log(`  notifications received      ${mine.length} (duplicates ${duplicates}, deliveries recorded sent ${sent.rows[0].n})`);
  console.log(`  deadline → delivery  p50    ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s`);
  console.log(`                       p99    ${(p99 / 1000).toFixed(2)} s   (goal < ${GOAL_P99_MS / 1000} s: ratio ${(p99 / GOAL_P99_MS).toFixed(2)})`);
  console.log(`                       max    ${(latencies[latencies.length - 1]! / 1000).toFixed(2)} s`);
  console.log(`  last deadline → last delivery ${((lastReceive - lastDeadline) / 1000).toFixed(2)} s`);
  console.log(`  deliveries/s (first to last received) ${(mine.length / Math.max((lastReceive - firstReceive) / 1000, 0.001)).toFixed(0)}`);
  console.log(`  1-minute load average before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${os.cpus().length} cores`);
  return p99;
}

const cluster = await startTestCluster();
const receiver = await startReceiver();
try {
  const connect = (db: string) => cluster.cluster.connectionString(db);
  console.log(`bench:alerts on ${os.cpus().length} cores; PostgreSQL ${cluster.cluster.socketDir} (throwaway cluster, fsync off as in tests)`);
  const only = process.env.BENCH_ONLY; // "spread" or "burst" to run one scenario
  const results: string[] = [];
  if (only !== 'burst') results.push(`${((await scenario('spread over the minute', 60_000, connect, receiver, 'bench_spread')) / 1000).toFixed(2)} s spread`);
  if (only !== 'spread') results.push(`${((await scenario('all in the same second', 1000, connect, receiver, 'bench_burst')) / 1000).toFixed(2)} s burst`);
  console.log(`\nsummary: p99 ${results.join(', ')}; goal ${GOAL_P99_MS / 1000} s`);
} finally {
  receiver.stop();
  await cluster.stop();
}
