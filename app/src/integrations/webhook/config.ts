// A webhook channel's settings, stored as Healthchecks stores them (method, URL, body and
// headers for each direction), so its exports can be imported unchanged.
import { ChannelConfigError, type Direction } from '../types.ts';

export const METHODS = ['GET', 'POST', 'PUT'] as const;
export type Method = (typeof METHODS)[number];

export interface WebhookSpec {
  readonly method: Method;
  /** Empty: this direction is a no-op. */
  readonly url: string;
  /** Sent only with POST and PUT. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface WebhookConfig {
  readonly method_down: Method;
  readonly url_down: string;
  readonly body_down: string;
  readonly headers_down: Readonly<Record<string, string>>;
  readonly method_up: Method;
  readonly url_up: string;
  readonly body_up: string;
  readonly headers_up: Readonly<Record<string, string>>;
}

export const MAX_URL = 1000;
export const MAX_BODY = 10_000;
export const MAX_HEADER = 1000;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Validates and normalises webhook settings; throws ChannelConfigError naming the field. */
export function parseWebhookConfig(raw: Record<string, unknown>): WebhookConfig {
  const down = parseDirection(raw, 'down');
  const up = parseDirection(raw, 'up');
  if (!down.url && !up.url) throw new ChannelConfigError('url_down or url_up must be set');
  return {
    method_down: down.method,
    url_down: down.url,
    body_down: down.body,
    headers_down: down.headers,
    method_up: up.method,
    url_up: up.url,
    body_up: up.body,
    headers_up: up.headers,
  };
}

/** The settings of one direction. */
export function specFor(config: WebhookConfig, direction: Direction): WebhookSpec {
  return direction === 'down'
    ? { method: config.method_down, url: config.url_down, body: config.body_down, headers: config.headers_down }
    : { method: config.method_up, url: config.url_up, body: config.body_up, headers: config.headers_up };
}

function parseDirection(raw: Record<string, unknown>, direction: Direction): WebhookSpec {
  const field = (name: string) => `${name}_${direction}`;
  const method = raw[field('method')] ?? 'GET';
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method.toUpperCase())) {
    throw new ChannelConfigError(`${field('method')} must be one of ${METHODS.join(', ')}`);
  }
  return {
    method: method.toUpperCase() as Method,
    url: parseUrl(raw[field('url')], field('url')),
    body: parseString(raw[field('body')], field('body'), MAX_BODY),
    headers: parseHeaders(raw[field('headers')], field('headers')),
  };
}

function parseString(value: unknown, name: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ChannelConfigError(`${name} must be a string`);
  if (value.length > max) throw new ChannelConfigError(`${name} is too long (at most ${max} characters)`);
  return value;
}

function parseUrl(value: unknown, name: string): string {
  const url = parseString(value, name, MAX_URL).trim();
  if (url === '') return '';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ChannelConfigError(`${name} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ChannelConfigError(`${name} must start with http:// or https://`);
  }
  return url;
}

function parseHeaders(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ChannelConfigError(`${name} must be an object of header names and values`);
  }
  const headers: Record<string, string> = {};
  for (const [header, text] of Object.entries(value)) {
    if (!TOKEN.test(header) || header.length > MAX_HEADER) throw new ChannelConfigError(`${name}: invalid header name ${JSON.stringify(header)}`);
    if (typeof text !== 'string') throw new ChannelConfigError(`${name}: the value of ${header} must be a string`);
    // A line break in a value would let a template inject headers of its own.
    if (/[\r\n\0]/.test(text)) throw new ChannelConfigError(`${name}: the value of ${header} must be one line`);
    if (text.length > MAX_HEADER) throw new ChannelConfigError(`${name}: the value of ${header} is too long`);
    headers[header] = text.trim();
  }
  return headers;
}
