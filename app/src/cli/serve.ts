import { createAlertEngine } from '../alerts/engine.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/open.ts';
import { createHttpServer, listen } from '../http/server.ts';
import { createLogger } from '../log.ts';
import { configOrReport } from './config.ts';

/** Runs the given roles until SIGINT or SIGTERM; migrations are applied first. */
export async function serve(roles: string[], args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`cronwarden: unexpected arguments: ${args.join(' ')}\n`);
    return 2;
  }
  const config = configOrReport();
  if (!config) return 1;
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log, { migrate: true });
  const ctx: AppContext = { config, log, pool: db.pool, clock: () => new Date() };

  const stops: Array<() => Promise<void>> = [];
  if (roles.includes('web') || roles.includes('ping')) {
    const server = createHttpServer(ctx, { api: roles.includes('web') });
    const port = await listen(server, config.host, config.port);
    log.info({ roles, url: `http://${config.host}:${port}${config.basePath}/` }, 'listening');
    stops.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
  }

  if (roles.includes('alerts')) {
    const engine = createAlertEngine(ctx);
    engine.start();
    // Sends in flight get 10 s to finish; the rest give their leases back for another engine.
    stops.push(() => engine.stop(10_000));
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info({ signal }, 'shutting down');
  // A second signal while draining means "now".
  const forced = () => process.exit(1);
  process.once('SIGINT', forced);
  process.once('SIGTERM', forced);
  for (const stop of stops) await stop();
  await db.close();
  return 0;
}
