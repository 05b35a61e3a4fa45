// A Signal channel's settings: one recipient (a phone number or a Signal username) and which
// directions it receives. Healthchecks stores `{"value": ..., "up": ..., "down": ...}`; its
// exports are accepted, and stored with the clearer key `recipient`.
import { ChannelConfigError } from '../types.ts';

export interface SignalConfig {
  /** "+4915112345678" or "alice.42", spaces and dashes removed. */
  readonly recipient: string;
  readonly up: boolean;
  readonly down: boolean;
}

// Healthchecks' rules (hc/integrations/signal/forms.py): E.164 numbers, and usernames as
// Signal makes them (a nickname, a dot, a two to ten digit discriminator).
const PHONE = /^\+\d{5,15}$/;
const USERNAME = /^\w{3,48}\.\d{2,10}$/;

/** True for a username recipient ("alice.42"); false for a phone number. */
export function isUsername(recipient: string): boolean {
  return !recipient.startsWith('+');
}

/** Validates and normalises Signal settings; throws ChannelConfigError naming the field. */
export function parseSignalConfig(raw: Record<string, unknown>): SignalConfig {
  const given = raw.recipient ?? raw.value;
  if (typeof given !== 'string' || given.trim() === '') throw new ChannelConfigError('recipient is required');
  const recipient = given.replace(/[\s-]/g, '');
  if (!PHONE.test(recipient) && !USERNAME.test(recipient)) {
    throw new ChannelConfigError(
      'recipient must be a phone number in international format (+ and 5 to 15 digits) or a Signal username (name.123)',
    );
  }
  const flag = (name: 'up' | 'down') => {
    const value = raw[name] ?? true;
    if (typeof value !== 'boolean') throw new ChannelConfigError(`${name} must be true or false`);
    return value;
  };
  const config = { recipient, up: flag('up'), down: flag('down') };
  if (!config.up && !config.down) throw new ChannelConfigError('at least one of up and down must be true');
  return config;
}
