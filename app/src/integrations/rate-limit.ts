// Healthchecks' local rate limit for chat-like targets: at most 6 messages a minute to one
// Telegram chat, ntfy topic, Pushover user or Signal recipient, so that a burst of alerts (a network outage taking down
// fifty checks at once) does not get the bot throttled or banned, nor bury the chat. Where
// Healthchecks drops the excess, the engine here retries it later: nothing is lost.
import { TransportError, type SendContext } from './types.ts';

export const CHAT_RATE_LIMIT = { capacity: 6, intervalSeconds: 60 } as const;

/**
 * Takes a token for `key`, or throws the retryable "Rate limit exceeded" with a retryAfter.
 * The wait is the time until a token is free plus up to one interval at random: all the
 * deliveries held back by one burst would otherwise come back together every 10 seconds and
 * all but one be refused again. Without a rate limiter in the context nothing is limited.
 */
export async function enforceRateLimit(ctx: SendContext, key: string, now: Date, random: () => number = Math.random): Promise<void> {
  if (ctx.rateLimiter === undefined) return;
  const { capacity, intervalSeconds } = CHAT_RATE_LIMIT;
  const wait = await ctx.rateLimiter.take(key, capacity, intervalSeconds, now);
  if (wait === null) return;
  throw new TransportError('Rate limit exceeded', { retryAfter: Math.ceil(wait + random() * intervalSeconds) });
}
