// Readers for integration settings. Each throws ChannelConfigError naming the field, so every
// kind's config.ts refuses bad input in the same words. Strings are trimmed; a setting that is
// one line (a key, a room, a topic) may not hold control characters, which no service accepts
// and which would end a header or a form field early.
import { ChannelConfigError } from './types.ts';

export type RawSettings = Readonly<Record<string, unknown>>;

interface StringOptions {
  /** Most characters allowed. */
  readonly max: number;
  /** Used when the setting is absent, null or empty; without it the setting is required. */
  readonly fallback?: string;
  /** The value must match; `describe` says how in the error ("must be ..."). */
  readonly pattern?: RegExp;
  readonly describe?: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A one-line string setting, trimmed; throws ChannelConfigError naming `name`. */
export function stringSetting(raw: RawSettings, name: string, options: StringOptions): string {
  const value = raw[name];
  if (value === undefined || value === null || value === '') return required(name, options.fallback);
  if (typeof value !== 'string') throw new ChannelConfigError(`${name} must be a string`);
  const text = value.trim();
  if (text === '') return required(name, options.fallback);
  if (CONTROL.test(text)) throw new ChannelConfigError(`${name} must be one line of text`);
  if ([...text].length > options.max) throw new ChannelConfigError(`${name} is too long (at most ${options.max} characters)`);
  if (options.pattern && !options.pattern.test(text)) throw new ChannelConfigError(`${name} must be ${options.describe ?? 'valid'}`);
  return text;
}

/** An integer setting from `min` to `max`; `fallback` when absent (without one it is required). */
export function integerSetting(raw: RawSettings, name: string, options: { min: number; max: number; fallback?: number; describe?: string }): number {
  const value = raw[name];
  if (value === undefined || value === null) {
    if (options.fallback === undefined) throw new ChannelConfigError(`${name} is required`);
    return options.fallback;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) {
    throw new ChannelConfigError(`${name} must be ${options.describe ?? `an integer from ${options.min} to ${options.max}`}`);
  }
  return value;
}

/** One of `allowed`, matched without regard to case; `fallback` when absent. */
export function choiceSetting<T extends string>(raw: RawSettings, name: string, allowed: readonly T[], fallback?: T): T {
  const value = raw[name];
  if ((value === undefined || value === null || value === '') && fallback !== undefined) return fallback;
  const match = typeof value === 'string' ? allowed.find((a) => a === value.trim().toLowerCase()) : undefined;
  if (match === undefined) throw new ChannelConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return match;
}

/** An http(s) URL setting without a trailing slash. */
export function urlSetting(raw: RawSettings, name: string, options: { max: number; fallback?: string }): string {
  const text = stringSetting(raw, name, options);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ChannelConfigError(`${name} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ChannelConfigError(`${name} must start with http:// or https://`);
  return text.replace(/\/+$/, '');
}

/**
 * Healthchecks' stored `value` of a channel, as an export carries it (`{"value": "..."}`);
 * null when the settings do not use it. Giving it together with the named settings is refused,
 * since one of the two would be silently ignored.
 */
export function legacyValue(raw: RawSettings, named: readonly string[]): string | null {
  const value = raw.value;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ChannelConfigError("value must be a string (a Healthchecks channel's value)");
  const clash = named.find((name) => raw[name] !== undefined && raw[name] !== null);
  if (clash !== undefined) throw new ChannelConfigError(`give either value (Healthchecks' format) or ${clash}, not both`);
  return value.trim();
}

/** A Healthchecks value that holds JSON: the object it encodes; ChannelConfigError otherwise. */
export function legacyJson(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ChannelConfigError('value is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ChannelConfigError('value must hold a JSON object');
  return parsed as Record<string, unknown>;
}

function required(name: string, fallback: string | undefined): string {
  if (fallback === undefined) throw new ChannelConfigError(`${name} is required`);
  return fallback;
}
