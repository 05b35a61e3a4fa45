// When Signal demands a CAPTCHA before the account may send again, only the operator can lift
// it: solve the CAPTCHA in a browser, then hand the solution and the challenge token to
// signal-cli (`cronwarden signal submit-challenge`). As Healthchecks does, the site admins
// (ADMINS) get an email with the token and the steps; once per challenge and process, since
// every blocked send reports the same challenge.
import { escapeHtml } from '../email/message.ts';
import type { MailMessage } from '../email/sender.ts';

/** Where Signal's CAPTCHA is solved (signal-cli's own instructions point there). */
export const CAPTCHA_URL = 'https://signalcaptchas.org/challenge/generate.html';

export interface ChallengeFacts {
  readonly token: string;
  /** Seconds Signal said to wait instead; null when it did not. */
  readonly waitSeconds: number | null;
  /** The host the engine runs on. */
  readonly host: string;
  /** signal-cli's whole answer, for the record. */
  readonly reply: string;
  readonly siteName: string;
}

/** The email to the site admins about one challenge. */
export function challengeEmail(to: readonly string[], facts: ChallengeFacts): MailMessage {
  const lines = [
    `${facts.siteName} cannot send Signal notifications: Signal wants a CAPTCHA solved before the signal-cli account may send again.`,
    '',
    `Challenge token: ${facts.token}`,
    '',
    `1. Solve the CAPTCHA at ${CAPTCHA_URL}`,
    '2. Copy the address of the "Open Signal" link (it starts with signalcaptcha://).',
    `3. On ${facts.host}, or any host that reaches the same signal-cli bus, run:`,
    `   cronwarden signal submit-challenge ${facts.token} 'signalcaptcha://...'`,
    '',
    facts.waitSeconds === null
      ? 'Until then, Signal notifications are retried now and then, and fail.'
      : `Until then (or for ${facts.waitSeconds} seconds, as Signal said), Signal notifications are retried now and then, and fail.`,
    '',
    'What signal-cli said:',
    facts.reply,
  ];
  return {
    to: to.join(', '),
    subject: 'Signal CAPTCHA proof required',
    text: `${lines.join('\n')}\n`,
    html: `<!DOCTYPE html>\n<html><body><pre>${escapeHtml(lines.join('\n'))}</pre></body></html>`,
  };
}

/** Remembers which challenges the admins were told about, for a day. */
export class ChallengeLog {
  private readonly told = new Map<string, number>();

  constructor(private readonly forgetAfterMs = 86_400_000) {}

  /** True when nobody was told about `token` yet (or long enough ago). */
  isNew(token: string, now: Date): boolean {
    for (const [known, at] of this.told) {
      if (now.getTime() - at > this.forgetAfterMs) this.told.delete(known);
    }
    return !this.told.has(token);
  }

  /** Records that the admins were told about `token` at `now`. */
  remember(token: string, now: Date): void {
    this.told.set(token, now.getTime());
  }
}
