// An SMS channel's settings: the number to text and which directions to send.
import { parsePhoneUpDownConfig, type PhoneUpDownConfig } from '../twilio/phone.ts';

export type SmsConfig = PhoneUpDownConfig;

/** Validates and normalises SMS settings; throws ChannelConfigError naming the field. */
export function parseSmsConfig(raw: Record<string, unknown>): SmsConfig {
  return parsePhoneUpDownConfig(raw);
}
