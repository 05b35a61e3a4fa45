// Outbound HTTP for every HTTP integration: one place for timeouts, the redirect limit, the
// private-address guard and Healthchecks' error texts, so no integration re-implements them.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isAllowedAddress, type AddressPolicy } from './address-guard.ts';
import { TransportError } from './types.ts';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | null;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The first MAX_RESPONSE_BYTES of the body, decoded as UTF-8. */
  readonly body: string;
}

export interface HttpClient {
  /** Sends `req`, following redirects; throws TransportError (retryable) on transport failures. */
  request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
}

export interface HttpClientOptions extends AddressPolicy {
  /** Whole request, redirects included (Healthchecks: 30 s). */
  readonly timeoutMs?: number;
  readonly maxRedirects?: number;
  /** Sockets per target host and scheme in this process. */
  readonly maxSockets?: number;
}

/** Error texts, as Healthchecks' hc/lib/curl.py words them. */
export const HTTP_ERRORS = {
  timeout: 'Connection timed out',
  resolve: 'Could not resolve host',
  private: 'Connections to private IP addresses are not allowed',
  connect: 'Connection failed',
  redirects: 'Too many redirects',
  tls: 'TLS handshake failed',
} as const;

const MAX_RESPONSE_BYTES = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SUCCESS = new Set([200, 201, 202, 204]);
const PRIVATE_CODE = 'ERR_CW_PRIVATE_ADDRESS';
const RESOLVE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL']);

/** A client with its own keep-alive socket pools; `close()` ends them. */
export function createHttpClient(options: HttpClientOptions): HttpClient & { close(): void } {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const lookup = guardedLookup(options);
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  async function request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let url = parseUrl(req.url);
    let method = req.method.toUpperCase();
    let body = req.body ?? null;
    let headers = withUserAgent(req.headers ?? {});
    for (let hop = 0; ; hop++) {
      checkLiteralAddress(url, options);
      const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
      const res = await once(url, method, headers, body, { agent: agents[protocol], lookup, signal: combined }).catch((error: unknown) => {
        // Our own deadline, or the caller's (the engine's per-send deadline): both are timeouts.
        const timedOut = timeout.aborted || (combined.reason instanceof Error && combined.reason.name === 'TimeoutError');
        throw toTransportError(error, timedOut);
      });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.status) || location === undefined) return res;
      if (hop >= maxRedirects) throw new TransportError(HTTP_ERRORS.redirects);
      const next = parseUrl(new URL(location, url).toString());
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = null;
      }
      // Credentials are for the origin the user named, not for wherever it redirects to.
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      url = next;
    }
  }

  return {
    request,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** Throws TransportError("Received status code N") unless the status is 200, 201, 202 or 204. */
export function expectSuccess(res: HttpResponse, now: Date, options: { permanent?: readonly number[] } = {}): void {
  if (SUCCESS.has(res.status)) return;
  throw new TransportError(`Received status code ${res.status}`, {
    permanent: options.permanent?.includes(res.status) ?? false,
    retryAfter: parseRetryAfter(res.headers['retry-after'], now),
  });
}

/** Seconds from an HTTP Retry-After value (delta seconds or an HTTP date); null when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, (date - now.getTime()) / 1000);
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TransportError(`Invalid URL: ${text.slice(0, 200)}`, { permanent: true });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TransportError(`Unsupported URL scheme: ${url.protocol}`, { permanent: true });
  }
  return url;
}

// Node connects to an IP literal without calling `lookup`, so literals are checked here.
function checkLiteralAddress(url: URL, policy: AddressPolicy): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0 && !isAllowedAddress(host, policy)) throw new TransportError(HTTP_ERRORS.private);
}

/** dns.lookup, minus the addresses the policy refuses; fails when none is left. */
function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((a) => isAllowedAddress(a.address, policy));
      const first = allowed[0];
      if (first === undefined) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname}: ${HTTP_ERRORS.private}`);
        refused.code = PRIVATE_CODE;
        return callback(refused, '', 0);
      }
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

interface HopOptions {
  agent: http.Agent;
  lookup: net.LookupFunction;
  signal: AbortSignal;
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | null, options: HopOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const payload = body === null || method === 'GET' || method === 'HEAD' ? null : typeof body === 'string' ? Buffer.from(body) : body;
    const requestHeaders = payload === null ? headers : { ...headers, 'Content-Length': String(payload.length) };
    const req = transport.request(url, { method, headers: requestHeaders, ...options }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
        // A target streaming megabytes back is not worth reading to the end.
        if (size > 16 * MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('error', reject);
      res.on('close', () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

function toTransportError(error: unknown, timedOut: boolean): TransportError {
  if (error instanceof TransportError) return error;
  if (timedOut) return new TransportError(HTTP_ERRORS.timeout);
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  if (code === PRIVATE_CODE) return new TransportError(HTTP_ERRORS.private);
  if (error instanceof Error && error.name === 'AbortError') return new TransportError('Request aborted (shutting down)');
  if (RESOLVE_CODES.has(code)) return new TransportError(HTTP_ERRORS.resolve);
  if (code === 'ETIMEDOUT') return new TransportError(HTTP_ERRORS.timeout);
  if (CONNECT_CODES.has(code)) return new TransportError(HTTP_ERRORS.connect);
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|ERR_OSSL)/.test(code)) return new TransportError(HTTP_ERRORS.tls);
  return new TransportError(`HTTP request failed, code: ${code || (error instanceof Error ? error.message : String(error))}`);
}

function withUserAgent(headers: Readonly<Record<string, string>>): Record<string, string> {
  const has = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');
  return has ? { ...headers } : { ...headers, 'User-Agent': 'Cronwarden' };
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const dropped = new Set(['authorization', 'cookie', 'proxy-authorization']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !dropped.has(name.toLowerCase())));
}
