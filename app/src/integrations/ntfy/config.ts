// An ntfy channel's settings, as Healthchecks stores them: server, topic, a priority per
// direction (5 max .. 1 min, 0 = do not send) and an optional access token.
import { checkUrl, integerField, MAX_URL, stringField } from '../chat-fields.ts';
import { ChannelConfigError } from '../types.ts';

export const NTFY_SH = 'https://ntfy.sh';

export interface NtfyConfig {
  /** The server's root URL, without a trailing slash. */
  readonly url: string;
  readonly topic: string;
  /** Priority of "down" notifications: 1..5, 0 = none sent. */
  readonly priority: number;
  readonly priority_up: number;
  /** Access token (Bearer); '' = none (NTFY_SH_TOKEN is used for ntfy.sh). */
  readonly token: string;
}

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
// A token goes into a header: printable ASCII without spaces, so it cannot end the header.
const TOKEN = /^[\x21-\x7e]*$/;
const PRIORITY = { min: 0, max: 5, fallback: 3 };

/** Validates and normalises ntfy settings; `url` defaults to https://ntfy.sh. */
export function parseNtfyConfig(raw: Record<string, unknown>): NtfyConfig {
  const url = checkUrl(stringField(raw, 'url', { max: MAX_URL, fallback: NTFY_SH }) || NTFY_SH, 'url').replace(/\/+$/, '');
  const topic = stringField(raw, 'topic', { max: 64 });
  if (topic === '') throw new ChannelConfigError('topic is required');
  if (!TOPIC.test(topic)) throw new ChannelConfigError('topic may contain only letters, digits, "-" and "_"');
  const token = stringField(raw, 'token', { max: 100 });
  if (!TOKEN.test(token)) throw new ChannelConfigError('token must not contain spaces or control characters');
  const config = {
    url,
    topic,
    priority: integerField(raw, 'priority', PRIORITY),
    priority_up: integerField(raw, 'priority_up', PRIORITY),
    token,
  };
  if (config.priority === 0 && config.priority_up === 0) throw new ChannelConfigError('priority and priority_up cannot both be 0 (disabled)');
  return config;
}

/** The priority of `direction`'s notifications; 0 = none sent. */
export function priorityFor(config: NtfyConfig, direction: 'up' | 'down'): number {
  return direction === 'up' ? config.priority_up : config.priority;
}
