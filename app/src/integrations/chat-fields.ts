// Small parsers for the chat integrations' settings, each throwing ChannelConfigError with a
// message that names the field (nested fields by their path), as the API shows it to the client.
import { ChannelConfigError } from './types.ts';

export const MAX_URL = 1000;

/** A string field; `fallback` when absent or null. Trimmed. Messages name `label` (default: the field). */
export function stringField(raw: Record<string, unknown>, field: string, options: { max: number; fallback?: string; label?: string }): string {
  const label = options.label ?? field;
  const value = raw[field];
  if (value === undefined || value === null) return options.fallback ?? '';
  if (typeof value !== 'string') throw new ChannelConfigError(`${label} must be a string`);
  const text = value.trim();
  if (text.length > options.max) throw new ChannelConfigError(`${label} is too long (at most ${options.max} characters)`);
  return text;
}

/** A required http(s) URL of at most MAX_URL characters, trimmed. */
export function urlField(raw: Record<string, unknown>, field: string, label = field): string {
  const url = stringField(raw, field, { max: MAX_URL, label });
  if (url === '') throw new ChannelConfigError(`${label} is required`);
  return checkUrl(url, label);
}

/** `url` when it parses as an http(s) URL; throws naming `field` otherwise. */
export function checkUrl(url: string, field: string): string {
  // The URL parser would drop a line break or tab silently; stored settings keep what was given.
  if (/[\u0000-\u001f\u007f\s]/.test(url)) throw new ChannelConfigError(`${field} must not contain spaces or control characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ChannelConfigError(`${field} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ChannelConfigError(`${field} must start with http:// or https://`);
  }
  return url;
}

/** An integer in [min, max]; `fallback` when absent. */
export function integerField(raw: Record<string, unknown>, field: string, options: { min: number; max: number; fallback: number }): number {
  const value = raw[field];
  if (value === undefined) return options.fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) {
    throw new ChannelConfigError(`${field} must be an integer from ${options.min} to ${options.max}`);
  }
  return value;
}

/** A plain JSON object nested under `field`; undefined when absent. */
export function objectField(raw: Record<string, unknown>, field: string, label = field): Record<string, unknown> | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ChannelConfigError(`${label} must be an object`);
  return value as Record<string, unknown>;
}

/** Settings that are one webhook URL (Mattermost, Rocket.Chat, Microsoft Teams): `{"url": ...}`. */
export interface WebhookUrlConfig {
  readonly url: string;
}

/** Parses `{"url": "https://..."}`. */
export function parseWebhookUrlConfig(raw: Record<string, unknown>): WebhookUrlConfig {
  return { url: urlField(raw, 'url') };
}
