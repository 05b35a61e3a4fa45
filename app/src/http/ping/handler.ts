// The Healthchecks-compatible ping endpoint: `<basePath>/ping/...`, any method. Deliberately
// not express: this is the hottest path in the system, and all it does is parse the request
// (core/ping.ts), run one statement (db/queries/pings.ts) and answer with a short text.
import type http from 'node:http';
import { inRanges } from '../../env.ts';
import type { AppContext } from '../../context.ts';
import {
  clientAddress,
  forwardedScheme,
  hasConfirmationLink,
  headerText,
  parsePingPath,
  queryParam,
  requestError,
  slugHasUppercase,
  truncateChars,
  type PingTarget,
} from '../../core/ping.ts';
import { parseSchedule } from '../../core/schedule/index.ts';
import type { PingOutcome, PingRecord } from '../../db/queries/pings.ts';
import { isUnavailable, PingBatcher } from './batcher.ts';
import { readCappedBody, RequestAbortedError } from './body.ts';
import { ScheduleCache, type ScheduleParser } from './schedule-cache.ts';

export interface PingHandlerOptions {
  /** The schedule engine; tests inject one. Default: core/schedule parseSchedule. */
  parseSchedule?: ScheduleParser;
  /** Cron and OnCalendar checks whose schedule this process remembers. Default 10,000. */
  scheduleCacheSize?: number;
  /** Ping writing lanes (PingBatcher); default PING_WRITE_LANES. */
  lanes?: number;
}

const STATUS: Readonly<Record<PingOutcome, number>> = {
  OK: 200,
  Created: 201,
  'not found': 404,
  'ambiguous slug': 409,
  'invalid url format': 400,
  'invalid uuid format': 400,
};

/** The request listener for everything under `<basePath>/ping/`. */
export function createPingHandler(ctx: AppContext, options: PingHandlerOptions = {}): http.RequestListener {
  const log = ctx.log.child({ module: 'ping' });
  const schedules = new ScheduleCache(options.parseSchedule ?? parseSchedule, options.scheduleCacheSize ?? 10_000);
  const batcher = new PingBatcher(() => ctx.pool, {
    lanes: options.lanes ?? ctx.config.pingWriteLanes,
    maxBatch: 100,
    // Bodies travel hex-encoded in the statement: at most ~8 MB of text per batch.
    maxBatchBytes: 4 * 1024 * 1024,
  });
  return (req, res) => {
    handlePing(ctx, schedules, batcher, req, res).catch((error: unknown) => {
      if (error instanceof RequestAbortedError) {
        log.debug({ err: error, url: loggable(req.url) }, 'ping request aborted; not recorded');
        return;
      }
      const unavailable = isUnavailable(error);
      log.error({ err: error, url: loggable(req.url) }, 'ping not recorded');
      if (!res.headersSent) {
        // Both are retried by curl --retry and runitor; neither was recorded.
        if (unavailable) reply(ctx, res, 503, 'service unavailable');
        else reply(ctx, res, 500, 'internal error');
      }
    });
  };
}

async function handlePing(ctx: AppContext, schedules: ScheduleCache, batcher: PingBatcher, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { config } = ctx;
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  const rawPath = url.slice(`${config.basePath}/ping/`.length, queryAt === -1 ? undefined : queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const target = parseTarget(rawPath);
  if (target === null) return reply(ctx, res, 404, 'not found');
  if (slugHasUppercase(target)) return reply(ctx, res, 400, 'invalid url format');

  const body = await readCappedBody(req, config.pingBodyLimit);
  const now = ctx.clock();
  const rid = queryParam(query, 'rid');
  const error = requestError(target, rid);
  const key = target.form === 'uuid' ? target.code : `${target.pingKey}/${target.slug}`;
  const record: PingRecord = {
    code: target.form === 'uuid' ? target.code : null,
    pingKey: target.form === 'slug' ? target.pingKey : null,
    slug: target.form === 'slug' ? target.slug : null,
    create: target.form === 'slug' && queryParam(query, 'create') === '1',
    createLimit: config.checkLimit * 2,
    requestError: error,
    action: target.action,
    exitStatus: error === null ? target.exitStatus : null,
    rid: error === null && rid !== undefined ? rid : null,
    now,
    ...requestOrigin(ctx, req),
    method: req.method ?? '',
    ua: truncateChars(headerText(req.headers['user-agent']), 200),
    body,
    hasConfirmationLink: hasConfirmationLink(body),
    logLimit: config.pingLogLimit,
    schedule: schedules.candidate(key, now),
  };
  const result = await batcher.record(record, key);
  if (result.check) schedules.learn(key, result.check.kind, result.check.schedule, result.check.tz);

  const status = STATUS[result.outcome];
  if (status >= 300) return reply(ctx, res, status, result.outcome);
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
  if (config.pingBodyLimit !== null) headers['Ping-Body-Limit'] = String(config.pingBodyLimit);
  reply(ctx, res, status, result.outcome, headers);
}

/**
 * A ping URL for the logs: a check's UUID, or a project's ping key, is all it takes to ping, so
 * only their first 8 characters are kept (enough to tell them apart), as for API keys.
 */
function loggable(url: string | undefined): string {
  return (url ?? '').replace(/\/ping\/([^/?]{8})[^/?]*/, '/ping/$1…');
}

/** The target of a raw (percent-encoded) path; null when it is malformed or matches no form. */
function parseTarget(rawPath: string): PingTarget | null {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  return parsePingPath(path);
}

/** Address and scheme of the client, believing forwarding headers only from trusted proxies. */
function requestOrigin(ctx: AppContext, req: http.IncomingMessage): { remoteAddr: string; scheme: string } {
  const ranges = ctx.config.trustedProxies;
  const peer = req.socket.remoteAddress ?? '';
  const isTrusted = (address: string) => inRanges(address, ranges);
  const trusted = ranges.length > 0 && isTrusted(peer);
  return {
    remoteAddr: clientAddress(peer, trusted ? header(req, 'x-forwarded-for') : undefined, isTrusted),
    scheme: trusted ? forwardedScheme(headerText(header(req, 'x-forwarded-proto'))) : 'http',
  };
}

/** A header's value; repeated headers joined with ", " as proxies append them. */
function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Every ping response: plain text (Healthchecks sends text/html, its docs and its hosted
 * service text/plain) with Django's never_cache headers.
 */
function reply(ctx: AppContext, res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'max-age=0, no-cache, no-store, must-revalidate, private',
    Expires: ctx.clock().toUTCString(),
    ...headers,
  });
  res.end(text);
}
