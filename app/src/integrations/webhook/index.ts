// Webhook: an HTTP request per direction, with Healthchecks' placeholders. The model for
// every HTTP integration: config.ts parses, message.ts builds the request, this file sends.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseWebhookConfig, specFor } from './config.ts';
import { webhookRequest } from './message.ts';

/** 404 and 410 mean the endpoint is gone: retrying cannot help, so the channel is disabled. */
export const PERMANENT_STATUSES = [404, 410] as const;

export const webhook = defineIntegration({
  kind: 'webhook',
  label: 'Webhook',
  maxConcurrency: 128,
  parseConfig: parseWebhookConfig,
  isNoop: (config, direction) => specFor(config, direction).url === '',
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.webhooksEnabled) throw new TransportError('Webhook notifications are not enabled.');
    const request = webhookRequest(specFor(config, notice.direction), notice, ctx.config);
    const response = await ctx.http.request(request, ctx.signal);
    expectSuccess(response, notice.now, { permanent: PERMANENT_STATUSES });
  },
});
