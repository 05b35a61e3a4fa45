// Slack: an attachment with Healthchecks' fields, posted to an incoming webhook. The payload
// is shared with Mattermost, Discord and Rocket.Chat (message.ts).
import { defineIntegration } from '../define.ts';
import { expectSuccess, type HttpResponse } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseSlackConfig } from './config.ts';
import { jsonPost } from '../json.ts';
import { SLACK, slackPayload } from './message.ts';

export const slack = defineIntegration({
  kind: 'slack',
  label: 'Slack',
  parseConfig: parseSlackConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.slackEnabled) throw new TransportError('Slack notifications are not enabled.');
    // Slack's incoming webhooks take no idempotency key: a resend after a crash is a duplicate.
    const response = await ctx.http.request(jsonPost(config.url, slackPayload(notice, ctx.config, SLACK)), ctx.signal);
    expectSlackSuccess(response, notice.now);
  },
});

/**
 * Success on 200..204. Permanent: 404 (the webhook or its workspace is gone), and
 * `invalid_token` (the webhook was made by a user since deactivated, posting to a private
 * channel): Healthchecks sees it with 400, other clients report it with 403. Everything else,
 * 429 with its Retry-After included, is retried.
 */
export function expectSlackSuccess(response: HttpResponse, now: Date): void {
  const invalidToken = (response.status === 400 || response.status === 403) && response.body.trim() === 'invalid_token';
  expectSuccess(response, now, { permanent: invalidToken ? [404, response.status] : [404] });
}
