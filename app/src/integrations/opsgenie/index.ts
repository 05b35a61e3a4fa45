// Opsgenie: a check going down creates an alert, coming back up closes it (by alias, the
// check's unique key). US and EU accounts live on different API hosts.
//
// Idempotency: Opsgenie takes no idempotency key, but the alias serves: a resent create joins
// the alert already open (counted, not paged again) and a resent close finds it closed.
import { defineIntegration } from '../define.ts';
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { jsonObject, statusText, textField } from '../responses.ts';
import { TransportError } from '../types.ts';
import { parseOpsgenieConfig } from './config.ts';
import { opsgenieRequest } from './message.ts';

// 401: the key is wrong or its integration disabled; 402: the plan does not allow it; 403:
// the key may not do this. All are the channel's settings: retrying cannot help.
const PERMANENT = new Set([401, 402, 403]);

export const opsgenie = defineIntegration({
  kind: 'opsgenie',
  label: 'Opsgenie',
  parseConfig: parseOpsgenieConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    const settings = ctx.config.integrations.opsgenie;
    if (!settings.enabled) throw new TransportError('Opsgenie notifications are not enabled.');
    const site = { apiUrls: { us: settings.usApiUrl, eu: settings.euApiUrl }, siteName: ctx.config.siteName };
    expectAccepted(await ctx.http.request(opsgenieRequest(config, notice, site), ctx.signal), notice.now);
  },
});

/**
 * Opsgenie processes alert requests asynchronously and answers 202; its response table also
 * lists 200 and 201 as success. 401, 402 and 403 are permanent. 422 ("semantic errors in the
 * request body") is about this one notification's content, which is kept within Opsgenie's
 * documented limits: sending it again cannot help, so that delivery fails, but the channel is
 * not disabled, since that would silence every other check's alerts too. 429 and 5xx are
 * retried.
 */
export function expectAccepted(res: HttpResponse, now: Date): void {
  if (res.status === 200 || res.status === 201 || res.status === 202) return;
  const detail = textField(jsonObject(res), 'message');
  throw new TransportError(statusText(res.status, detail), { permanent: PERMANENT.has(res.status), final: res.status === 422, retryAfter: parseRetryAfter(res.headers['retry-after'], now) });
}
