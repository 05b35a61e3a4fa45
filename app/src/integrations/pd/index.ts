// PagerDuty (Events API v2): a check going down triggers an alert on the PagerDuty service,
// coming back up resolves it. Healthchecks uses the older Events API v1; v2 is what PagerDuty
// documents for new integrations and carries severity and structured details.
//
// Idempotency: the dedup_key (the check's unique key) makes a resend harmless: a repeated
// trigger joins the alert already open, a repeated resolve finds nothing left to resolve.
import { defineIntegration } from '../define.ts';
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { jsonObject, statusText, textField } from '../responses.ts';
import { TransportError } from '../types.ts';
import { parsePagerDutyConfig } from './config.ts';
import { pagerDutyRequest } from './message.ts';

export const pagerduty = defineIntegration({
  kind: 'pd',
  label: 'PagerDuty',
  parseConfig: parsePagerDutyConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    const settings = ctx.config.integrations.pagerduty;
    if (!settings.enabled) throw new TransportError('PagerDuty notifications are not enabled.');
    const request = pagerDutyRequest(config, notice, { eventsUrl: settings.eventsUrl, siteName: ctx.config.siteName });
    expectAccepted(await ctx.http.request(request, ctx.signal), notice.now);
  },
});

/**
 * PagerDuty answers 202 when it accepted the event. A 400 about the routing key means the
 * integration was deleted or the key mistyped: permanent. Other 400s are about the event
 * itself: PagerDuty says not to retry them, and they are not the channel's fault either, so
 * that one delivery fails and the channel stays enabled. 429 and 5xx are retried, as
 * PagerDuty asks.
 */
export function expectAccepted(res: HttpResponse, now: Date): void {
  if (res.status === 202) return;
  const doc = jsonObject(res);
  const errors = Array.isArray(doc?.errors) ? doc.errors.filter((e): e is string => typeof e === 'string') : [];
  const detail = errors.length > 0 ? errors.join('; ') : textField(doc, 'message');
  const permanent = res.status === 400 && errors.some((e) => /routing[ _]key/i.test(e));
  const final = res.status === 400;
  throw new TransportError(statusText(res.status, detail), { permanent, final, retryAfter: parseRetryAfter(res.headers['retry-after'], now) });
}
