// Discord: Slack's payload to the channel webhook's Slack-compatible endpoint.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseDiscordConfig } from './config.ts';
import { discordRequest } from './message.ts';

/** 404: the webhook was deleted ("Unknown Webhook"); it never comes back. */
export const PERMANENT_STATUSES = [404] as const;

export const discord = defineIntegration({
  kind: 'discord',
  label: 'Discord',
  parseConfig: parseDiscordConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.discordEnabled) throw new TransportError('Discord notifications are not enabled.');
    // Discord's webhooks take no idempotency key (a message nonce exists for bots only).
    const response = await ctx.http.request(discordRequest(config, notice, ctx.config), ctx.signal);
    // 429 carries Retry-After, which expectSuccess passes on.
    expectSuccess(response, notice.now, { permanent: PERMANENT_STATUSES });
  },
});
