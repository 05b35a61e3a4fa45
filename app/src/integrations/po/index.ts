// Pushover: a push notification per flip, with a priority per direction; emergency messages
// repeat on the phone until acknowledged, so the "up" cancels them first.
//
// Idempotency: Pushover has no idempotency key. A send whose outcome the engine could not record
// (a crash) is sent again and the user sees the message twice; the cancellation is harmless
// to repeat (it cancels nothing the second time).
import type { Config } from '../../config.ts';
import { defineIntegration } from '../define.ts';
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { jsonObject, statusText } from '../responses.ts';
import { TransportError } from '../types.ts';
import { isPushoverNoop, parsePushoverConfig } from './config.ts';
import { pushoverRequests, type PushoverSite } from './message.ts';

export const pushover = defineIntegration({
  kind: 'po',
  label: 'Pushover',
  // Pushover asks clients to keep at most two connections open to its API.
  maxConcurrency: 2,
  parseConfig: parsePushoverConfig,
  isNoop: isPushoverNoop,
  async send(config, notice, ctx) {
    const site = pushoverSite(ctx.config);
    // At most 6 messages a minute to one user key, as in Healthchecks; the rest wait their turn.
    await enforceRateLimit(ctx, `pushover:${config.user_key}`, notice.now);
    // One attempt may be two requests (cancel, then message). Each must succeed before the
    // next is made, and a failure fails the whole attempt: the engine's retry makes both again.
    // The cancellation comes first so that a phone does not keep ringing for a check that is
    // up; repeating it is harmless, so a retry after "cancelled, but the message failed" is safe.
    for (const request of pushoverRequests(config, notice, site)) {
      const response = await ctx.http.request(request, ctx.signal);
      expectPushoverSuccess(response, notice.now);
    }
  },
});

function pushoverSite(config: Config): PushoverSite {
  const settings = config.integrations.pushover;
  if (settings.apiToken === null) throw new TransportError('Pushover notifications are not enabled.');
  return { ...settings, apiToken: settings.apiToken };
}

/**
 * Success is 200. A 400 naming the user key invalid is permanent (the key was deleted or
 * mistyped). A rejected application token is the operator's to fix, never the channel's, so
 * it is retried. 429 means the application's monthly message quota is spent: retried when it
 * resets, as the X-Limit-App-Reset header says (the engine caps the wait at an hour).
 */
export function expectPushoverSuccess(res: HttpResponse, now: Date): void {
  if (res.status === 200) return;
  const doc = jsonObject(res);
  if (res.status === 400 && doc?.user === 'invalid') {
    throw new TransportError(`Received status code 400 (invalid user)`, { permanent: true });
  }
  if (res.status === 400 && doc?.token === 'invalid') {
    throw new TransportError('Received status code 400 (invalid application token: check PUSHOVER_API_TOKEN)');
  }
  const errors = Array.isArray(doc?.errors) ? doc.errors.filter((e): e is string => typeof e === 'string') : [];
  throw new TransportError(statusText(res.status, errors.join('; ')), { retryAfter: retryAfter(res, now) });
}

function retryAfter(res: HttpResponse, now: Date): number | null {
  const header = parseRetryAfter(res.headers['retry-after'], now);
  if (header !== null || res.status !== 429) return header;
  const reset = Number(res.headers['x-limit-app-reset']);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - now.getTime() / 1000) : null;
}
