// What an error reply from signal-cli's DBus service means. signal-cli has few DBus error names
// (org.asamk.Signal.Error.Failure, .UntrustedIdentity, .InvalidNumber, ...): a rate limit or
// an unregistered recipient arrives as a Failure whose text carries signal-cli's per-recipient
// result ("Unregistered user \"+49...\"", "CAPTCHA proof required for sending to ... with
// challenge token \"...\""). Those texts (SendMessageResultUtils) have kept their wording since
// signal-cli 0.9; the fixtures in fixtures/errors.json are built from them. Pure.
import { TransportError } from '../types.ts';

export type SignalFailure =
  /** The number or username has no Signal account (any more). */
  | { readonly kind: 'unregistered' }
  /** Signal wants a CAPTCHA solved before the account may send again (HTTP 428). */
  | { readonly kind: 'captcha'; readonly token: string; readonly waitSeconds: number | null }
  /** A plain rate limit (HTTP 413), sometimes with the server's Retry-After. */
  | { readonly kind: 'rate-limited'; readonly waitSeconds: number | null }
  /** The recipient's identity key changed and signal-cli does not trust the new one. */
  | { readonly kind: 'untrusted'; readonly identifier: string | null }
  /** signal-cli could not make a phone number of the recipient. */
  | { readonly kind: 'invalid-number' }
  | { readonly kind: 'network' }
  | { readonly kind: 'other' };

const ERROR = 'org.asamk.Signal.Error.';

/** The failure an error reply (DBus error name and text) from signal-cli reports. */
export function classifySignalError(name: string, text: string): SignalFailure {
  const captcha = /CAPTCHA proof required for sending to "[^"]*", available options "[^"]*" with challenge token "([^"]+)"(?:, or wait "(\d+)" seconds)?/.exec(text);
  if (captcha?.[1]) return { kind: 'captcha', token: captcha[1], waitSeconds: seconds(captcha[2]) };
  // signal-cli reports a username that resolves to no account as an UntrustedIdentity error
  // ("u:alice.42 is not registered."), so the text decides before the name.
  if (/Unregistered user "/.test(text) || (name === `${ERROR}UntrustedIdentity` && /\bis not registered\.?\s*$/.test(text))) {
    return { kind: 'unregistered' };
  }
  const untrusted = /Untrusted Identity for "([^"]+)"/.exec(text);
  if (untrusted || name === `${ERROR}UntrustedIdentity`) return { kind: 'untrusted', identifier: untrusted?.[1] ?? null };
  const limited = /Rate limit failure for "[^"]*"(?:, retry after (\d+) seconds)?/.exec(text);
  if (limited) return { kind: 'rate-limited', waitSeconds: seconds(limited[1]) };
  if (name === `${ERROR}InvalidNumber`) return { kind: 'invalid-number' };
  if (/Network failure for "/.test(text)) return { kind: 'network' };
  return { kind: 'other' };
}

function seconds(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

/** Shown to users and stored on the channel (Healthchecks' words where it has them). */
export const SIGNAL_ERRORS = {
  unregistered: 'Recipient not found',
  captcha: 'CAPTCHA proof required',
  rateLimited: 'Rate limited by the Signal server',
  untrusted: "Untrusted identity: the recipient's safety number changed",
  invalidNumber: 'Invalid phone number',
  disabled: 'Signal notifications are not enabled',
} as const;

/**
 * The shortest wait after a CAPTCHA demand: trying again before someone solved it only meets
 * the same demand. Signal's own wait, when longer, wins (the engine caps waits at an hour).
 */
export const CAPTCHA_RETRY_SECONDS = 900;

/**
 * The TransportError for a failure the integration does not act on itself: unregistered
 * recipients and unusable numbers are permanent (the channel gets disabled, as Healthchecks
 * does); rate limits wait as long as Signal says; everything else is retried with backoff.
 */
export function transportError(failure: SignalFailure, name: string): TransportError {
  switch (failure.kind) {
    case 'unregistered':
      return new TransportError(SIGNAL_ERRORS.unregistered, { permanent: true });
    case 'invalid-number':
      return new TransportError(SIGNAL_ERRORS.invalidNumber, { permanent: true });
    case 'captcha':
      return new TransportError(SIGNAL_ERRORS.captcha, { retryAfter: Math.max(failure.waitSeconds ?? 0, CAPTCHA_RETRY_SECONDS) });
    case 'rate-limited':
      return new TransportError(SIGNAL_ERRORS.rateLimited, { retryAfter: failure.waitSeconds });
    case 'untrusted':
      return new TransportError(SIGNAL_ERRORS.untrusted, { permanent: true });
    case 'network':
      return new TransportError('signal-cli call failed (network failure)');
    case 'other':
      return new TransportError(`signal-cli call failed (${name})`);
  }
}
