// A Zulip channel's settings: the bot that posts (its email and API key), the Zulip site, and
// where to post: a stream (channel) and topic, or a private (direct) message to a user.
// Healthchecks stores the same keys as JSON in `value`; that form is accepted on input.
import { legacyJson, legacyValue, stringSetting, urlSetting, type RawSettings } from '../fields.ts';
import { ChannelConfigError } from '../types.ts';

export const MESSAGE_TYPES = ['stream', 'private'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface ZulipConfig {
  readonly bot_email: string;
  readonly api_key: string;
  /** The Zulip server, "https://example.zulipchat.com". */
  readonly site: string;
  readonly mtype: MessageType;
  /** A stream name, or for private messages an email address or a numeric user id. */
  readonly to: string;
  /** Empty: "<check> is DOWN" / "<check> is UP". */
  readonly topic: string;
}

const KEYS = ['bot_email', 'api_key', 'site', 'mtype', 'to', 'topic'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Zulip's newer names for the same two types.
const TYPE_ALIASES: Readonly<Record<string, MessageType>> = { stream: 'stream', channel: 'stream', private: 'private', direct: 'private' };

/** Validates and normalises Zulip settings; throws ChannelConfigError naming the field. */
export function parseZulipConfig(raw: RawSettings): ZulipConfig {
  const legacy = legacyValue(raw, KEYS);
  const fields = legacy === null ? raw : legacyJson(legacy);
  const bot_email = stringSetting(fields, 'bot_email', { max: 100, pattern: EMAIL, describe: "the bot's email address" });
  const api_key = stringSetting(fields, 'api_key', { max: 64, pattern: /^[A-Za-z0-9]+$/, describe: "the bot's API key (letters and digits)" });
  // Healthchecks' rule when the site is missing: the domain of the bot's address.
  const site = urlSetting(fields, 'site', { max: 200, fallback: `https://${bot_email.split('@')[1] ?? ''}` });
  return { bot_email, api_key, site, mtype: messageType(fields.mtype), to: stringSetting(fields, 'to', { max: 100 }), topic: stringSetting(fields, 'topic', { max: 100, fallback: '' }) };
}

function messageType(value: unknown): MessageType {
  const type = typeof value === 'string' ? TYPE_ALIASES[value.trim().toLowerCase()] : undefined;
  if (type === undefined) throw new ChannelConfigError('mtype must be one of stream, private');
  return type;
}
