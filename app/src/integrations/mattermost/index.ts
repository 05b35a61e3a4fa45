// Mattermost: Slack's payload to a Mattermost incoming webhook.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseMattermostConfig } from './config.ts';
import { mattermostRequest } from './message.ts';

export const mattermost = defineIntegration({
  kind: 'mattermost',
  label: 'Mattermost',
  parseConfig: parseMattermostConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.mattermostEnabled) throw new TransportError('Mattermost notifications are not enabled.');
    // No idempotency key: Mattermost's incoming webhooks have none.
    const response = await ctx.http.request(mattermostRequest(config, notice, ctx.config), ctx.signal);
    // As in Healthchecks no status is permanent: a server being upgraded or misconfigured
    // answers 4xx for a while, and a self-hosted chat is fixed by its own operator.
    expectSuccess(response, notice.now);
  },
});
