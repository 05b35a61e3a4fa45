import http from 'node:http';
import type { AppContext } from '../context.ts';
import { createApiApp } from './api/app.ts';
import { createPingHandler } from './ping/handler.ts';

export interface HttpOptions {
  /** Serve the management API (and, later, the web UI); false for a ping-only server. */
  api: boolean;
}

/**
 * One HTTP server. Pings are the hottest path, so they bypass express: a request under
 * `<basePath>/ping/` goes straight to the lean ping handler, everything else to the express app.
 */
export function createHttpServer(ctx: AppContext, options: HttpOptions): http.Server {
  const pingPrefix = `${ctx.config.basePath}/ping/`;
  const ping = createPingHandler(ctx);
  const rest = options.api ? createApiApp(ctx) : notFound;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(pingPrefix)) ping(req, res);
    else rest(req, res);
  });
  // Longer than the load balancer's idle timeout, so the balancer closes idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function notFound(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
}

/** Listens on HOST:PORT; resolves with the bound port (useful when PORT is 0). */
export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}
