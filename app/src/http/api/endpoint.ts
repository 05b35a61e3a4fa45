// One API URL: CORS headers and OPTIONS as Healthchecks' cors() decorator sends them, then the
// handler of the request's method, or 405 for a method the URL does not serve.
import type express from 'express';
import type { AppContext } from '../../context.ts';

export type ApiVersion = 1 | 2 | 3;
export const API_VERSIONS: readonly ApiVersion[] = [1, 2, 3];

/** What every handler is given besides the request: the app and the API version of the URL. */
export interface ApiScope {
  ctx: AppContext;
  version: ApiVersion;
}

type Method = 'GET' | 'POST' | 'DELETE';
const METHOD_ORDER: readonly Method[] = ['GET', 'POST', 'DELETE'];

export type Handler = (req: express.Request, res: express.Response) => Promise<void>;

/**
 * A request handler serving `handlers` by method. OPTIONS answers 204 before any
 * authentication; a method with no handler answers 405 with an empty body. Every answer,
 * errors included, carries the Access-Control-* headers.
 */
export function endpoint(handlers: Partial<Record<Method, Handler>>): Handler {
  const allowed = METHOD_ORDER.filter((method) => handlers[method] !== undefined);
  const allowMethods = [...allowed, 'OPTIONS'].join(', ');
  return async (req, res) => {
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'X-Api-Key',
      'Access-Control-Allow-Methods': allowMethods,
      'Access-Control-Max-Age': '600',
    });
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    const handler = allowed.find((method) => method === req.method);
    if (handler === undefined) {
      res.status(405).end();
      return;
    }
    await handlers[handler]!(req, res);
  };
}

/** Lowercase UUIDs only, as Django's uuid path converter. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A check's unique_key in a URL. `[A-z]` is Healthchecks' pattern, quirks included. */
export const UNIQUE_KEY_PATTERN = /^[A-z0-9]{40}$/;

/** Routes the request to `handler` when the URL's :code matches `pattern`; otherwise on (to 404). */
export function withCode(pattern: RegExp, handler: Handler | express.RequestHandler): express.RequestHandler {
  return async (req, res, next) => {
    if (pattern.test(param(req, 'code'))) await handler(req, res, next);
    else next();
  };
}

/** A named path parameter as one string ('' when absent). */
export function param(req: express.Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

/** The query parameter's last value (Django's QueryDict.get), or null when absent. */
export function lastQueryValue(req: express.Request, name: string): string | null {
  return queryParams(req).getAll(name).at(-1) ?? null;
}

/** Every value of a repeated query parameter. */
export function allQueryValues(req: express.Request, name: string): string[] {
  return queryParams(req).getAll(name);
}

function queryParams(req: express.Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : req.originalUrl.slice(at + 1));
}
