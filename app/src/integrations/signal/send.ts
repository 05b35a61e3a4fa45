// One Signal send: the local rate limit, signal-cli's sendMessage over DBus, and what its
// answer means. Only two answers lead to more than an error: an untrusted identity (trusted
// and sent again once, when the operator allows it) and a CAPTCHA demand (the admins are told).
//
// Signal has no idempotency key: when a reply is lost (signal-cli sent, then the bus or the
// engine died), the engine's retry delivers the message a second time.
import os from 'node:os';
import type { Logger } from '../../log.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { TransportError, type Notice, type SendContext } from '../types.ts';
import { SignalCliError, withSignalBus, type SignalBus } from './bus.ts';
import { challengeEmail, ChallengeLog } from './captcha.ts';
import type { SignalConfig } from './config.ts';
import { classifySignalError, SIGNAL_ERRORS, transportError, type SignalFailure } from './errors.ts';
import { sendMessageCall, SIGNAL_INTERFACE, type SignalCall } from './message.ts';

/** What one integration instance remembers between sends (in this process only). */
export interface SignalState {
  readonly challenges: ChallengeLog;
}

export function newSignalState(): SignalState {
  return { challenges: new ChallengeLog() };
}

const IDENTITY_INTERFACE = 'org.asamk.Signal.Identity';

interface Refusal {
  readonly failure: SignalFailure;
  readonly error: SignalCliError;
}

/** Sends `notice` to the channel's recipient once; throws TransportError. */
export async function sendSignal(config: SignalConfig, notice: Notice, ctx: SendContext, state: SignalState): Promise<void> {
  const settings = ctx.config.integrations.signal;
  if (!settings.enabled) throw new TransportError(SIGNAL_ERRORS.disabled);
  // Healthchecks' 6 messages a minute per recipient, shared by every engine: Signal answers a
  // flood by rate-limiting the whole account behind a CAPTCHA, silencing every other channel.
  await enforceRateLimit(ctx, `signal:${config.recipient}`, notice.now);
  const call = sendMessageCall(config, notice);
  await withSignalBus(settings, ctx.signal, async (bus) => {
    let refusal = await attempt(bus, call);
    if (refusal?.failure.kind === 'untrusted' && settings.trustChangedIdentities) {
      await trustIdentity(bus, refusal.failure.identifier ?? config.recipient, ctx.log);
      refusal = await attempt(bus, call);
      if (refusal?.failure.kind === 'untrusted') ctx.log.warn('Signal identity still untrusted after trusting it');
    }
    if (refusal === null) return;
    if (refusal.failure.kind === 'captcha') await tellAdmins(refusal.failure, refusal.error.text, notice.now, ctx, state.challenges);
    if (refusal.failure.kind === 'other') ctx.log.warn({ error: refusal.error.type, text: refusal.error.text }, 'signal-cli refused to send');
    throw transportError(refusal.failure, refusal.error.type);
  });
}

/** Calls sendMessage; null on success, or signal-cli's refusal, classified. */
async function attempt(bus: SignalBus, call: SignalCall): Promise<Refusal | null> {
  try {
    await bus.call(call);
    return null;
  } catch (error) {
    if (!(error instanceof SignalCliError)) throw error;
    return { failure: classifySignalError(error.type, error.text), error };
  }
}

/**
 * Trusts every identity key signal-cli knows for `identifier` (the number, or the account UUID
 * signal-cli named in its refusal), as Signal's apps accept a changed safety number. Throws
 * the untrusted-identity error when signal-cli lists no identity to trust.
 */
async function trustIdentity(bus: SignalBus, identifier: string, log: Logger): Promise<void> {
  const paths = await callOrThrow(() => bus.call({ interface: SIGNAL_INTERFACE, member: 'listIdentities', signature: '', body: [] }))
    .then((body) => identityPaths(body[0], identifier));
  if (paths.length === 0) throw new TransportError(SIGNAL_ERRORS.untrusted, { permanent: true });
  for (const path of paths) {
    await callOrThrow(() => bus.call({ interface: IDENTITY_INTERFACE, member: 'trust', signature: '', body: [] }, path));
  }
  log.warn({ keys: paths.length }, "trusted a Signal recipient's changed safety number (SIGNAL_TRUST_CHANGED_IDENTITIES)");
}

/** Object paths of listIdentities() entries (a(oss): path, uuid, number) for `identifier`. */
export function identityPaths(list: unknown, identifier: string): string[] {
  if (!Array.isArray(list)) return [];
  const paths: string[] = [];
  for (const entry of list) {
    if (!Array.isArray(entry)) continue;
    const [path, uuid, number] = entry as unknown[];
    if (typeof path === 'string' && (uuid === identifier || number === identifier)) paths.push(path);
  }
  return paths;
}

async function callOrThrow(work: () => Promise<unknown[]>): Promise<unknown[]> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SignalCliError)) throw error;
    throw transportError(classifySignalError(error.type, error.text), error.type);
  }
}

async function tellAdmins(
  failure: Extract<SignalFailure, { kind: 'captcha' }>,
  reply: string,
  now: Date,
  ctx: SendContext,
  challenges: ChallengeLog,
): Promise<void> {
  if (!challenges.isNew(failure.token, now)) return;
  ctx.log.error({ challenge: failure.token, waitSeconds: failure.waitSeconds }, 'Signal wants a CAPTCHA solved: run `cronwarden signal submit-challenge`');
  if (ctx.config.admins.length === 0) {
    ctx.log.error('ADMINS is not set: nobody is emailed about the Signal CAPTCHA');
    challenges.remember(failure.token, now);
    return;
  }
  const facts = { token: failure.token, waitSeconds: failure.waitSeconds, host: os.hostname(), reply, siteName: ctx.config.siteName };
  try {
    await ctx.mail.send(challengeEmail(ctx.config.admins, facts), ctx.signal);
    challenges.remember(failure.token, now);
  } catch (error) {
    // The next blocked send tries again; the delivery itself fails with the CAPTCHA error.
    ctx.log.error({ err: error }, 'cannot email the admins about the Signal CAPTCHA');
  }
}
