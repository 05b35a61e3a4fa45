// Twilio's REST API as the sms, whatsapp and call integrations use it: one form-encoded POST
// creating a Message or a Call, and the answer read into a SID or a classified TransportError.
import type { TwilioSettings } from '../../integration-settings.ts';
import { parseRetryAfter, type HttpRequest, type HttpResponse } from '../http.ts';
import { TransportError } from '../types.ts';

export type TwilioResource = 'Messages' | 'Calls';

/** Twilio's settings once checked present: what a request needs. */
export interface TwilioAccount {
  readonly account: string;
  readonly auth: string;
  readonly baseUrl: string;
}

/** Twilio error codes that mean this channel's number cannot be reached, ever: the channel is disabled. */
export type PermanentCodes = ReadonlyMap<number, string>;

// Twilio answers 201 Created to a new Message or Call; 200 is accepted too, as Healthchecks does.
const ACCEPTED = new Set([200, 201]);
const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

/** The account settings, or null when TWILIO_ACCOUNT or TWILIO_AUTH is missing. */
export function twilioAccount(settings: TwilioSettings): TwilioAccount | null {
  if (settings.account === null || settings.auth === null) return null;
  return { account: settings.account, auth: settings.auth, baseUrl: settings.baseUrl };
}

/** Where Twilio reports what became of a message: Healthchecks' path, so the same proxies route it. */
export function statusCallbackUrl(siteRoot: string, code: string): string {
  return `${siteRoot}/api/v3/notifications/${code}/status`;
}

/** The request creating a Message or a Call with `params`, in their order, authenticated with the account. */
export function twilioRequest(account: TwilioAccount, resource: TwilioResource, params: ReadonlyArray<readonly [string, string]>): HttpRequest {
  const credentials = Buffer.from(`${account.account}:${account.auth}`).toString('base64');
  return {
    method: 'POST',
    url: `${account.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(account.account)}/${resource}.json`,
    headers: {
      Authorization: `Basic ${credentials}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: formEncode(params),
  };
}

/** True when Twilio accepted the message or call. */
export function isAccepted(response: HttpResponse): boolean {
  return ACCEPTED.has(response.status);
}

/** The SID of the accepted message or call ("SM…", "MM…", "CA…"); null when the answer has none. */
export function acceptedSid(response: HttpResponse): string | null {
  const sid = readJson(response.body)?.sid;
  return typeof sid === 'string' && SID.test(sid) ? sid : null;
}

/**
 * The error for an answer Twilio did not accept. A 400 naming one of `permanent`'s codes is
 * permanent with that code's text (Healthchecks: 21211 → "Invalid phone number"); anything
 * else, wrong credentials (401) included, is retryable: it is the operator's to fix, not the
 * channel's. Twilio's own message and code are kept, so the channel's last error says why.
 */
export function twilioError(response: HttpResponse, now: Date, permanent: PermanentCodes): TransportError {
  const doc = readJson(response.body);
  const code = typeof doc?.code === 'number' ? doc.code : null;
  const known = response.status === 400 && code !== null ? permanent.get(code) : undefined;
  if (known !== undefined) return new TransportError(known, { permanent: true });
  const message = typeof doc?.message === 'string' ? doc.message.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
  const detail = message ? ` with a message: "${message}${code === null ? '' : ` (Twilio error ${code})`}"` : '';
  return new TransportError(`Received status code ${response.status}${detail}`, {
    retryAfter: parseRetryAfter(response.headers['retry-after'], now),
  });
}

/** application/x-www-form-urlencoded, in the given order. */
export function formEncode(params: ReadonlyArray<readonly [string, string]>): string {
  const form = new URLSearchParams();
  for (const [name, value] of params) form.append(name, value);
  return form.toString();
}

function readJson(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
