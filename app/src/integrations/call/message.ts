// The exact Twilio request a phone call channel makes for a notice: a call that reads one
// sentence (TwiML <Say>). Pure.
import { displayName, type Summary } from '../../core/summary.ts';
import type { HttpRequest } from '../http.ts';
import { statusCallbackUrl, twilioRequest, type TwilioAccount } from '../twilio/api.ts';
import type { Notice } from '../types.ts';
import type { CallConfig } from './config.ts';

export interface CallSite {
  readonly account: TwilioAccount;
  readonly from: string;
  readonly siteRoot: string;
  readonly siteName: string;
}

/** `Hello! A message from Cronwarden: The check "Backups" is down.` ("is still down" for a reminder). */
export function callText(summary: Summary, siteName: string): string {
  const state = summary.event === 'reminder' ? 'is still down' : 'is down';
  return `Hello! A message from ${siteName}: The check "${displayName(summary)}" ${state}.`;
}

/** The TwiML document Twilio plays: the text, XML-escaped, without characters XML forbids. */
export function callTwiml(text: string): string {
  // XML 1.0 allows no control characters but tab, LF and CR.
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  const escaped = clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<Response><Say>${escaped}</Say></Response>`;
}

/** The request for `notice`. */
export function callRequest(config: CallConfig, notice: Notice, site: CallSite): HttpRequest {
  return twilioRequest(site.account, 'Calls', [
    ['From', site.from],
    ['To', config.phone],
    ['Twiml', callTwiml(callText(notice.summary, site.siteName))],
    ['StatusCallback', statusCallbackUrl(site.siteRoot, notice.code)],
  ]);
}
