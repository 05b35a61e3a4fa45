// A Telegram channel's settings, as Healthchecks stores them: the chat's id, an optional forum
// topic (message_thread_id), and the chat's type and name as Telegram reported them (display).
import { stringField } from '../chat-fields.ts';
import { ChannelConfigError } from '../types.ts';

export const CHAT_TYPES = ['private', 'group', 'supergroup', 'channel'] as const;

export interface TelegramConfig {
  /** Negative for groups and channels (-100... for supergroups); at most 52 bits, a safe integer. */
  readonly id: number;
  /** The forum topic to post in; null: the chat's main thread. */
  readonly thread_id: number | null;
  /** One of CHAT_TYPES, or '' when unknown. */
  readonly type: string;
  readonly name: string;
}

/**
 * Validates and normalises Telegram settings: `{"id", "thread_id", "type", "name"}`. The ids
 * may be given as numbers or as strings of digits ("-1001234567890", as clients print them).
 */
export function parseTelegramConfig(raw: Record<string, unknown>): TelegramConfig {
  const id = integerId(raw.id, 'id');
  if (id === null) throw new ChannelConfigError('id is required (the chat id)');
  if (id === 0) throw new ChannelConfigError('id must not be 0');
  const threadId = integerId(raw.thread_id, 'thread_id');
  if (threadId !== null && threadId <= 0) throw new ChannelConfigError('thread_id must be a positive integer');
  const type = stringField(raw, 'type', { max: 20 });
  if (type !== '' && !(CHAT_TYPES as readonly string[]).includes(type)) {
    throw new ChannelConfigError(`type must be one of ${CHAT_TYPES.join(', ')}`);
  }
  return { id, thread_id: threadId, type, name: stringField(raw, 'name', { max: 200 }) };
}

function integerId(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new ChannelConfigError(`${field} must be an integer`);
  return number;
}
