import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../db/pool.ts';
import { startTestCluster, TEMPLATE_DATABASE, type TestCluster } from './cluster.ts';

/** What a test needs to talk to its own database. */
export interface TestDatabase {
  pool: pg.Pool;
  url: string;
}

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

let ownCluster: Promise<TestCluster> | null = null;

/**
 * A fresh, migrated database for one test (copied from the template), dropped at teardown.
 * Under `npm test` it lives in the run's shared cluster; a test file run on its own starts
 * a private cluster for its process.
 */
export async function testDatabase(t: Teardown): Promise<TestDatabase> {
  const socketDir = process.env.CW_TEST_PG_SOCKET ?? (await privateCluster()).cluster.socketDir;
  const url = (db: string) => `postgresql://cronwarden@${encodeURIComponent(socketDir)}/${db}`;
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`create database ${name} template ${TEMPLATE_DATABASE}`);
  await admin.end();
  const pool = createPool(url(name), 10);
  t.teardown(async () => {
    await pool.end();
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  return { pool, url: url(name) };
}

function privateCluster(): Promise<TestCluster> {
  if (!ownCluster) {
    ownCluster = startTestCluster();
    process.once('beforeExit', () => void ownCluster?.then((c) => c.stop()));
  }
  return ownCluster;
}
