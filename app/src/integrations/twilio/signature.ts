// Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the account's
// auth token, of the URL Twilio requested followed by every POST parameter's name and value,
// sorted by name. Checking it is what keeps strangers from marking our deliveries failed.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature Twilio sends with a form POST of `params` to `url`. */
export function twilioSignature(authToken: string, url: string, params: Iterable<readonly [string, string]>): string {
  const sorted = [...params].sort(([a, x], [b, y]) => compare(a, b) || compare(x, y));
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const [name, value] of sorted) hmac.update(name + value, 'utf8');
  return hmac.digest('base64');
}

/**
 * Whether `signature` is Twilio's for this request. The URL is tried as given, without its
 * port and with the scheme's default port, because Twilio signs the URL as configured and the
 * port may be written either way (Twilio's own libraries do the same). Constant time per try.
 */
export function isTwilioSignature(authToken: string, signature: string, url: string, params: ReadonlyArray<readonly [string, string]>): boolean {
  const given = Buffer.from(signature, 'utf8');
  let valid = false;
  for (const candidate of urlForms(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    // Every form is checked, so the time taken does not say which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

function urlForms(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  // URL drops a default port it was given; put it back by hand for the explicit form.
  const withoutPort = parsed.toString();
  const withPort = parsed.port === '' && defaultPort ? withoutPort.replace(parsed.host, `${parsed.hostname}:${defaultPort}`) : withoutPort;
  return [...new Set([url, withoutPort, withPort])];
}

// Byte order, as Twilio sorts ("Unix-style, case-sensitive"); parameter names are ASCII.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
