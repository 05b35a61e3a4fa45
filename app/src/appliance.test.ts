// The README's promise, end to end: `npm start` (cronwarden all) with no DATABASE_URL creates an
// embedded PostgreSQL cluster in DATA_DIR, the admin CLI reaches the same cluster while the
// server runs, a job's first ping creates its check, and after a restart everything is still
// there. Real processes, a real cluster, real HTTP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bin/cronwarden.js');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

t.test('npm start runs the appliance on an embedded cluster that survives a restart', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cw-appliance-'));
  // PostgreSQL runs as an unprivileged user when the tests run as root: it must reach DATA_DIR.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const site = `http://127.0.0.1:${port}`;
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SITE_ROOT: site, LOG_LEVEL: 'info' };
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid');
  const servers: ChildProcess[] = [];
  t.teardown(() => {
    for (const server of servers) if (server.exitCode === null) server.kill('SIGKILL');
    // A server killed above leaves its cluster (its own process group) running: stop it.
    if (existsSync(postmasterPid)) process.kill(Number(readFileSync(postmasterPid, 'utf8').split('\n')[0]), 'SIGQUIT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<ChildProcess> {
    const server = spawn(process.execPath, [bin, 'all'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    servers.push(server);
    for (let attempt = 0; ; attempt++) {
      if (server.exitCode !== null) throw new Error(`cronwarden all exited with ${server.exitCode}`);
      const answer = await fetch(`${site}/ping/00000000-0000-4000-8000-000000000000`).catch(() => null);
      if (answer !== null) {
        t.equal(answer.status, 404, 'the server answers pings');
        return server;
      }
      if (attempt > 600) throw new Error('cronwarden all did not start listening within a minute');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  async function stop(server: ChildProcess): Promise<void> {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    t.same(await exited, [0, null], 'SIGTERM stops it cleanly');
    t.notOk(existsSync(postmasterPid), 'and the embedded cluster with it');
  }
  const checks = async (key: string) => {
    const answer = await fetch(`${site}/api/v3/checks/`, { headers: { 'X-Api-Key': key } });
    t.equal(answer.status, 200);
    return ((await answer.json()) as { checks: { name: string; slug: string; status: string; n_pings: number }[] }).checks;
  };

  const first = await start();
  t.ok(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION')), 'the cluster is created in DATA_DIR/postgres');
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'project', 'create', '--name', 'Home', '--json'], { env });
  const project = JSON.parse(stdout) as { api_key: string; ping_key: string };

  const ping = await fetch(`${site}/ping/${project.ping_key}/nightly-backup?create=1`);
  t.same([ping.status, await ping.text()], [201, 'Created']);
  t.match(await checks(project.api_key), [{ name: 'nightly-backup', slug: 'nightly-backup', status: 'up', n_pings: 1 }]);
  await stop(first);

  const second = await start();
  const again = await fetch(`${site}/ping/${project.ping_key}/nightly-backup`);
  t.same([again.status, await again.text()], [200, 'OK']);
  t.match(await checks(project.api_key), [{ name: 'nightly-backup', status: 'up', n_pings: 2 }], 'the project, its keys and the check were kept');
  await stop(second);
});
