// Telegram: one sendMessage per notification through the bot of TELEGRAM_TOKEN, at most 6 a
// minute per chat (shared by every engine process), following a group's move to a new chat id.
import { defineIntegration } from '../define.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { TransportError } from '../types.ts';
import { parseTelegramConfig } from './config.ts';
import { telegramRequest } from './message.ts';
import { readBotApiResponse } from './response.ts';

export const telegram = defineIntegration({
  kind: 'telegram',
  label: 'Telegram',
  // Bot API limits a bot to about 30 messages a second overall.
  maxConcurrency: 16,
  parseConfig: parseTelegramConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    const { token, apiUrl } = ctx.config.integrations.telegram;
    if (token === null) throw new TransportError('Telegram notifications are not enabled (TELEGRAM_TOKEN is not set).');
    const bot = { apiUrl, token };
    await enforceRateLimit(ctx, `telegram:${config.id}`, notice.now);
    const first = readBotApiResponse(await ctx.http.request(telegramRequest(config, notice, bot, ctx.config), ctx.signal), notice.now);
    if (first.ok) return;
    // The group became a supergroup with a new id, and Telegram refused the message without
    // posting it. Sending it to the new id now is not a second delivery but the first one, so
    // this is the one resend made inside an attempt: waiting for the engine's retry would
    // delay the alert by the backoff and record a failure for a channel that works. The new
    // id is stored first, so later notifications go straight there; storing matters less than
    // the alert, so a failure to store is logged and the next notification moves again.
    const moved = { chat: config.id, migratedTo: first.migrateTo };
    const saved = await ctx.saveConfig({ ...config, id: first.migrateTo }).catch((error: unknown) => {
      ctx.log.error({ ...moved, err: error }, 'telegram chat migrated; storing the new chat id failed');
      return null;
    });
    if (saved === false) ctx.log.warn(moved, 'telegram chat migrated; the new chat id was not stored (settings changed meanwhile, or no store)');
    const second = readBotApiResponse(await ctx.http.request(telegramRequest(config, notice, bot, ctx.config, first.migrateTo), ctx.signal), notice.now);
    if (!second.ok) throw new TransportError(`Received status code ${second.status} with a message: "${second.description}" (the chat moved twice)`);
  },
});
