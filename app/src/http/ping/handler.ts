import type http from 'node:http';
import type { AppContext } from '../../context.ts';

/** Placeholder until the ping API lands (issue 2): every ping URL is unknown. */
export function createPingHandler(_ctx: AppContext): http.RequestListener {
  return (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
  };
}
