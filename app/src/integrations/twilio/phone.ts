// Settings shared by the Twilio kinds: a phone number, and for messages which directions to
// send. Stored as {"phone", "up", "down"}; Healthchecks' {"value", "up", "down"} (its export
// format) is accepted on input.
import { ChannelConfigError } from '../types.ts';

export interface PhoneConfig {
  /** E.164: "+" and 5 to 15 digits. */
  readonly phone: string;
}

export interface PhoneUpDownConfig extends PhoneConfig {
  readonly up: boolean;
  readonly down: boolean;
}

const E164 = /^\+\d{5,15}$/;

/** Validates a phone number: spaces and dashes are dropped (as Healthchecks does), then E.164 is required. */
export function parsePhoneNumber(raw: Record<string, unknown>): string {
  const value = raw.phone ?? raw.value;
  if (value === undefined || value === null || value === '') throw new ChannelConfigError('phone is required');
  if (typeof value !== 'string') throw new ChannelConfigError('phone must be a string');
  const stripped = value.replace(/[^\x00-\x7f]/g, '').replace(/[ -]/g, '');
  if (!E164.test(stripped)) {
    throw new ChannelConfigError('phone must be in international format: "+" and the country code, then the number (5 to 15 digits)');
  }
  return stripped;
}

/** A number alone (phone calls: down only). */
export function parsePhoneConfig(raw: Record<string, unknown>): PhoneConfig {
  return { phone: parsePhoneNumber(raw) };
}

/**
 * A number and the directions to send. Down is on and up off unless said otherwise, as in
 * Healthchecks' form: a recovery text costs money and wakes people up.
 */
export function parsePhoneUpDownConfig(raw: Record<string, unknown>): PhoneUpDownConfig {
  const phone = parsePhoneNumber(raw);
  const flag = (name: 'up' | 'down', fallback: boolean) => {
    const value = raw[name] ?? fallback;
    if (typeof value !== 'boolean') throw new ChannelConfigError(`${name} must be true or false`);
    return value;
  };
  const config = { phone, up: flag('up', false), down: flag('down', true) };
  if (!config.up && !config.down) throw new ChannelConfigError('at least one of up and down must be true');
  return config;
}
