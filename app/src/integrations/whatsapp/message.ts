// The exact Twilio request a WhatsApp channel makes for a notice. WhatsApp only lets a
// business start a conversation with a template approved in advance, so the text lives in
// Twilio (a Content template per direction) and we send the check's name as its variable 1.
import type { TwilioSettings } from '../../integration-settings.ts';
import { displayName } from '../../core/summary.ts';
import type { HttpRequest } from '../http.ts';
import { statusCallbackUrl, twilioAccount, twilioRequest, type TwilioAccount } from '../twilio/api.ts';
import type { Notice } from '../types.ts';
import type { WhatsappConfig } from './config.ts';

export interface WhatsappSite {
  readonly account: TwilioAccount;
  readonly from: string;
  readonly messagingServiceSid: string;
  readonly downContentSid: string;
  readonly upContentSid: string;
  readonly siteRoot: string;
}

/**
 * Everything a WhatsApp send needs, or null unless TWILIO_USE_WHATSAPP=true and every one of
 * TWILIO_ACCOUNT, TWILIO_AUTH, TWILIO_FROM, TWILIO_MESSAGING_SERVICE_SID and both content SIDs
 * is set (Healthchecks' rule).
 */
export function whatsappSite(settings: TwilioSettings, siteRoot: string): WhatsappSite | null {
  const account = twilioAccount(settings);
  const { from, messagingServiceSid, whatsappDownContentSid: down, whatsappUpContentSid: up } = settings;
  if (!settings.useWhatsapp || account === null || from === null || messagingServiceSid === null || down === null || up === null) return null;
  return { account, from, messagingServiceSid, downContentSid: down, upContentSid: up, siteRoot };
}

/** The request for `notice`: the direction's template (a reminder uses the down one) with the check's name. */
export function whatsappRequest(config: WhatsappConfig, notice: Notice, site: WhatsappSite): HttpRequest {
  return twilioRequest(site.account, 'Messages', [
    ['To', `whatsapp:${config.phone}`],
    ['From', `whatsapp:${site.from}`],
    ['MessagingServiceSid', site.messagingServiceSid],
    ['ContentSid', notice.direction === 'down' ? site.downContentSid : site.upContentSid],
    ['ContentVariables', JSON.stringify({ 1: displayName(notice.summary) })],
    ['StatusCallback', statusCallbackUrl(site.siteRoot, notice.code)],
  ]);
}
