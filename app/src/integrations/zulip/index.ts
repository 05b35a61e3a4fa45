// Zulip: a message per flip to a stream (topic "<check> is DOWN" unless the channel names one)
// or privately to a user, posted by the channel's own bot on the channel's own Zulip site.
//
// Idempotency: Zulip's message API takes no idempotency key. A send whose outcome the engine
// could not record (a crash) is posted again.
import { defineIntegration } from '../define.ts';
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { jsonObject, statusText, textField } from '../responses.ts';
import { TransportError } from '../types.ts';
import { parseZulipConfig } from './config.ts';
import { zulipRequest } from './message.ts';

export const zulip = defineIntegration({
  kind: 'zulip',
  label: 'Zulip',
  maxConcurrency: 8,
  parseConfig: parseZulipConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.zulip.enabled) throw new TransportError('Zulip notifications are not enabled.');
    expectSent(await ctx.http.request(zulipRequest(config, notice), ctx.signal), notice.now);
  },
});

/**
 * Zulip answers 200 when the message is posted. Every credential and address in the request is
 * the channel's own, and the content stays within Zulip's limits, so its refusals are about
 * the settings and retrying cannot help: 400 (no such stream or user, the bot may not post
 * there), 401 (bad API key, bot or organization deactivated; 403 before Zulip 7), 404 (the site
 * is not a Zulip server) are permanent. 429 waits as long as Zulip says; anything else is retried.
 */
export function expectSent(res: HttpResponse, now: Date): void {
  if (res.status === 200) return;
  const doc = jsonObject(res);
  const permanent = [400, 401, 403, 404].includes(res.status);
  const retryAfter = parseRetryAfter(res.headers['retry-after'], now) ?? retryAfterField(doc);
  throw new TransportError(statusText(res.status, textField(doc, 'msg')), { permanent, retryAfter });
}

function retryAfterField(doc: Record<string, unknown> | null): number | null {
  const value = doc?.['retry-after'];
  return typeof value === 'number' && value >= 0 ? Math.ceil(value) : null;
}
