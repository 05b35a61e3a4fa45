// A phone call channel's settings: the number to call. Calls are made for "down" only.
import { parsePhoneConfig, type PhoneConfig } from '../twilio/phone.ts';

export type CallConfig = PhoneConfig;

/** Validates and normalises call settings; throws ChannelConfigError naming the field. */
export function parseCallConfig(raw: Record<string, unknown>): CallConfig {
  return parsePhoneConfig(raw);
}
