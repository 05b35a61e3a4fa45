import type pg from 'pg';
import { loadConfig, type Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { createHttpServer, listen } from '../http/server.ts';
import { createLogger } from '../log.ts';
import { testDatabase } from './db.ts';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

/** A clock tests set and advance; `read` is what goes into AppContext.clock. */
export class TestClock {
  constructor(public now: Date = new Date('2026-01-15T12:00:00Z')) {}
  readonly read = (): Date => new Date(this.now.getTime());
  set(iso: string): void {
    this.now = new Date(iso);
  }
  advance(seconds: number): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }
}

export interface TestServer {
  /** Base URL with the base path, no trailing slash: `http://127.0.0.1:40123`. */
  url: string;
  ctx: AppContext;
  pool: pg.Pool;
  clock: TestClock;
}

/**
 * The real HTTP server on 127.0.0.1 and a free port, over a fresh database. `env` is the
 * configuration environment; SITE_ROOT defaults to the server's own address.
 */
export async function startTestServer(
  t: TestLike,
  options: { env?: Record<string, string>; api?: boolean } = {},
): Promise<TestServer> {
  const { pool } = await testDatabase(t);
  const clock = new TestClock();
  const log = createLogger(process.env.CW_TEST_LOG_LEVEL ?? 'silent');
  // The port is only known after listening, and SITE_ROOT usually contains it: the config is
  // built twice, first to validate the environment, then with the real address.
  let config: Config = loadConfig({ ...options.env, PORT: '0' });
  const ctx = { config, log, pool, clock: clock.read };
  const server = createHttpServer(ctx, { api: options.api ?? true });
  const port = await listen(server, '127.0.0.1', 0);
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  config = loadConfig({ SITE_ROOT: `http://127.0.0.1:${port}`, ...options.env, PORT: String(port) });
  Object.assign(ctx, { config });
  return { url: `http://127.0.0.1:${port}${config.basePath}`, ctx, pool, clock };
}
