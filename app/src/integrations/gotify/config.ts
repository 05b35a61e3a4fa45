// A Gotify channel's settings, as Healthchecks stores them: server URL, application token and
// a priority per direction (0..9, 0 = do not send; null = the application's default).
import { ChannelConfigError } from '../types.ts';
import { stringField, urlField } from '../chat-fields.ts';

export interface GotifyConfig {
  /** The server's URL (it may include a path), without a trailing slash. */
  readonly url: string;
  /** An application token (not a client token). */
  readonly token: string;
  /** Priority of "down" messages: 0..9, 0 = none sent, null = the application's default. */
  readonly priority: number | null;
  readonly priority_up: number | null;
}

const TOKEN = /^[\x21-\x7e]+$/;

/** Validates and normalises Gotify settings; priorities default to 5 (Healthchecks' "normal"). */
export function parseGotifyConfig(raw: Record<string, unknown>): GotifyConfig {
  const url = urlField(raw, 'url').replace(/\/+$/, '');
  const token = stringField(raw, 'token', { max: 100 });
  if (token === '') throw new ChannelConfigError('token is required (an application token)');
  if (!TOKEN.test(token)) throw new ChannelConfigError('token must not contain spaces or control characters');
  const config = { url, token, priority: priority(raw, 'priority'), priority_up: priority(raw, 'priority_up') };
  if (config.priority === 0 && config.priority_up === 0) throw new ChannelConfigError('priority and priority_up cannot both be 0 (disabled)');
  return config;
}

/** The priority of `direction`'s messages; 0 = none sent, null = the application's default. */
export function priorityFor(config: GotifyConfig, direction: 'up' | 'down'): number | null {
  return direction === 'up' ? config.priority_up : config.priority;
}

// null is kept: Healthchecks stores it for channels made before priorities existed.
function priority(raw: Record<string, unknown>, field: string): number | null {
  const value = raw[field];
  if (value === undefined) return 5;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 9) {
    throw new ChannelConfigError(`${field} must be an integer from 0 to 9, or null`);
  }
  return value;
}
