import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { describeDatabaseUrl, type Logger } from '../log.ts';
import { ensureDatabase, startCluster } from './cluster.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';

export interface Database {
  pool: pg.Pool;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'cronwarden';

/**
 * Connects to DATABASE_URL, or (when it is unset) to the embedded cluster in DATA_DIR/postgres,
 * started here if no other process runs it. With `migrate`, pending migrations are applied first.
 */
export async function openDatabase(config: Config, log: Logger, options: { migrate: boolean }): Promise<Database> {
  let url = config.databaseUrl;
  let stopCluster = async () => {};
  if (url === null) {
    const cluster = await startCluster({
      dataDir: path.join(config.dataDir, 'postgres'),
      log: (message) => log.info({ module: 'embedded-postgres' }, message),
    });
    await ensureDatabase(cluster, EMBEDDED_DATABASE);
    url = cluster.connectionString(EMBEDDED_DATABASE);
    stopCluster = () => cluster.stop();
  } else {
    log.info({ database: describeDatabaseUrl(url) }, 'using DATABASE_URL');
  }
  const pool = createPool(url, config.dbPoolSize);
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
  if (options.migrate) {
    const client = await pool.connect();
    try {
      const applied = await migrate(client);
      if (applied.length > 0) log.info({ applied }, 'applied migrations');
    } finally {
      client.release();
    }
  }
  return {
    pool,
    async close() {
      await pool.end();
      await stopCluster();
    },
  };
}
