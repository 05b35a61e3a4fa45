// Rocket.Chat: Slack-like attachments to a Rocket.Chat incoming webhook.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseRocketChatConfig } from './config.ts';
import { rocketChatRequest } from './message.ts';

export const rocketchat = defineIntegration({
  kind: 'rocketchat',
  label: 'Rocket.Chat',
  parseConfig: parseRocketChatConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.rocketchatEnabled) throw new TransportError('Rocket.Chat notifications are not enabled.');
    // No idempotency key: Rocket.Chat's incoming webhooks have none.
    const response = await ctx.http.request(rocketChatRequest(config, notice, ctx.config), ctx.signal);
    // Healthchecks deliberately keeps a Rocket.Chat channel enabled on 404: nothing is permanent.
    expectSuccess(response, notice.now);
  },
});
