// An email channel's settings: one address and which directions it receives.
import { ChannelConfigError } from '../types.ts';

export interface EmailConfig {
  readonly address: string;
  readonly up: boolean;
  readonly down: boolean;
}

// Deliberately loose (RFC 5321 allows far more than any regex checks well); the SMTP server
// has the last word, and a 5xx for the recipient disables the channel.
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/;

/** Validates and normalises email settings; throws ChannelConfigError naming the field. */
export function parseEmailConfig(raw: Record<string, unknown>): EmailConfig {
  const address = raw.address;
  if (typeof address !== 'string' || address.trim() === '') throw new ChannelConfigError('address is required');
  const trimmed = address.trim();
  if (trimmed.length > 254 || !ADDRESS.test(trimmed)) throw new ChannelConfigError('address is not a valid email address');
  const flag = (name: 'up' | 'down') => {
    const value = raw[name] ?? true;
    if (typeof value !== 'boolean') throw new ChannelConfigError(`${name} must be true or false`);
    return value;
  };
  const config = { address: trimmed, up: flag('up'), down: flag('down') };
  if (!config.up && !config.down) throw new ChannelConfigError('at least one of up and down must be true');
  return config;
}
