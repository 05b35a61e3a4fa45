// The database behind SendContext.channelStore and SendContext.rateLimiter: what the alert
// engine (and the test-notification action) hand to a send so that an integration can store a
// changed setting or respect a rate limit shared by every engine process.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import { replaceChannelConfig } from '../db/queries/channel-alerts.ts';
import { bucketLevel, takeToken } from '../db/queries/token-buckets.ts';
import type { ChannelStore, RateLimiter } from './types.ts';

/** The settings store of channel `channelId` (its numeric id). */
export function createChannelStore(db: Queryable, channelId: number): ChannelStore {
  return {
    replaceConfig: (current, next) => replaceChannelConfig(db, channelId, current, next),
  };
}

/** Token buckets in the token_buckets table; keys are stored as SHA-256 digests. */
export function createRateLimiter(db: Queryable): RateLimiter {
  return {
    async take(key, capacity, intervalSeconds, now) {
      const digest = createHash('sha256').update(key).digest('hex');
      if (await takeToken(db, digest, capacity, intervalSeconds, now)) return null;
      const level = await bucketLevel(db, digest);
      // Gone meanwhile (pruned): a token is free now, on the next attempt.
      if (level === null) return 0;
      return secondsUntilToken(level, capacity, intervalSeconds, now);
    },
  };
}

/** Seconds from `now` (to the millisecond) until a bucket at `level` holds a whole token again; 0 when it does. */
export function secondsUntilToken(level: { tokens: number; updated_at: Date }, capacity: number, intervalSeconds: number, now: Date): number {
  const perSecond = capacity / intervalSeconds;
  const elapsed = Math.max(0, (now.getTime() - level.updated_at.getTime()) / 1000);
  const tokens = Math.min(capacity, level.tokens + elapsed * perSecond);
  return Math.max(0, Math.round(((1 - tokens) / perSecond) * 1000) / 1000);
}
