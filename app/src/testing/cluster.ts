import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startCluster, type RunningCluster } from '../db/cluster.ts';
import { migrate } from '../db/migrate.ts';

export const TEMPLATE_DATABASE = 'cw_template';
const DIR_PREFIX = 'cw-test-pg-';

// Durability is worthless for a cluster that is deleted after the run, and fsync is slow.
const TEST_SETTINGS = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '400',
  shared_buffers: '128MB',
};

export interface TestCluster {
  cluster: RunningCluster;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A throwaway cluster in a fresh temporary directory with a migrated template database.
 * Clusters left behind by runs that were killed are removed first.
 */
export async function startTestCluster(): Promise<TestCluster> {
  removeAbandonedClusters();
  const dir = mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  chmodSync(dir, 0o711); // the server may run as another user, who must reach dir/pg
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const cluster = await startCluster({ dataDir: path.join(dir, 'pg'), settings: TEST_SETTINGS });
  const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const client = new pg.Client({ connectionString: cluster.connectionString(TEMPLATE_DATABASE) });
  await client.connect();
  await migrate(client);
  await client.end();
  return {
    cluster,
    dir,
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function removeAbandonedClusters(): void {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    if (isAlive(readPid(path.join(dir, 'owner.pid')))) continue;
    const postmaster = readPid(path.join(dir, 'pg', 'postmaster.pid'));
    if (postmaster !== null && isAlive(postmaster)) process.kill(postmaster, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
