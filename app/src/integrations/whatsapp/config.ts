// A WhatsApp channel's settings: the number (without the "whatsapp:" prefix) and which
// directions to send.
import { parsePhoneUpDownConfig, type PhoneUpDownConfig } from '../twilio/phone.ts';

export type WhatsappConfig = PhoneUpDownConfig;

/** Validates and normalises WhatsApp settings; throws ChannelConfigError naming the field. */
export function parseWhatsappConfig(raw: Record<string, unknown>): WhatsappConfig {
  // A number stored with Twilio's channel prefix is the same number.
  const phone = raw.phone ?? raw.value;
  const bare = typeof phone === 'string' ? phone.replace(/^whatsapp:/i, '') : phone;
  return parsePhoneUpDownConfig({ ...raw, phone: bare, value: undefined });
}
