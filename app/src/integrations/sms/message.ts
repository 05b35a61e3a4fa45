// The exact Twilio request an SMS channel makes for a notice: one short text. Pure.
import type { TwilioSettings } from '../../integration-settings.ts';
import { headline, type Summary } from '../../core/summary.ts';
import type { HttpRequest } from '../http.ts';
import { statusCallbackUrl, twilioRequest, type TwilioAccount } from '../twilio/api.ts';
import type { Notice } from '../types.ts';
import type { SmsConfig } from './config.ts';

/** Who the text comes from: a messaging service (it picks the number) or one number. */
export type SmsSender = { readonly messagingServiceSid: string } | { readonly from: string };

export interface SmsSite {
  readonly account: TwilioAccount;
  readonly sender: SmsSender;
  readonly siteRoot: string;
  readonly siteName: string;
}

/** TWILIO_MESSAGING_SERVICE_SID when set (as in Healthchecks), else TWILIO_FROM; null when neither is. */
export function smsSender(settings: TwilioSettings): SmsSender | null {
  if (settings.messagingServiceSid !== null) return { messagingServiceSid: settings.messagingServiceSid };
  if (settings.from !== null) return { from: settings.from };
  return null;
}

/** `Cronwarden: The check "Backups" is DOWN (received a failure signal).`, and its up and reminder forms. */
export function smsText(summary: Summary, now: Date, siteName: string): string {
  return `${siteName}: The check ${headline(summary, now)}`;
}

/**
 * The request for `notice`. Twilio reports the delivery to the status callback, which carries
 * the notice's code. `RiskCheck=disable`: alerts are expected traffic, and Twilio's SMS
 * pumping protection must not hold one back (Healthchecks sends the same).
 */
export function smsRequest(config: SmsConfig, notice: Notice, site: SmsSite): HttpRequest {
  const params: Array<[string, string]> = [
    ['To', config.phone],
    ['Body', smsText(notice.summary, notice.now, site.siteName)],
    ['StatusCallback', statusCallbackUrl(site.siteRoot, notice.code)],
    ['RiskCheck', 'disable'],
  ];
  if ('messagingServiceSid' in site.sender) params.push(['MessagingServiceSid', site.sender.messagingServiceSid]);
  else params.push(['From', site.sender.from]);
  return twilioRequest(site.account, 'Messages', params);
}
