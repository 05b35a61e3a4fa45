import pg from 'pg';

// int8 values (ids, counts) stay far below 2^53 here; numbers are easier to use than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** A pool or a checked-out client: query modules accept either, so callers choose the transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'cronwarden' });
  // An idle client's error (server restart, failover) must not crash the process: the pool
  // drops that client. Callers that want to log it add their own listener.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in a transaction; rolls back and rethrows on error. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
