// When a failed delivery is tried again. Healthchecks retries three times in a row and gives
// up; a target that is down for ten minutes then never hears about the outage. Here each
// failure doubles the wait (with jitter, so that a thousand deliveries failing together do not
// return together), capped, until a horizon after which the delivery is recorded as failed.

export interface RetryPolicy {
  /** Wait after the first failure, before jitter. */
  readonly baseSeconds: number;
  /** Longest wait between two attempts, before jitter. */
  readonly maxSeconds: number;
  /** No attempt starts later than this after the delivery was queued. */
  readonly horizonSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseSeconds: 30, maxSeconds: 3600, horizonSeconds: 86_400 };

/**
 * Seconds to wait after `failedAttempts` failures (1 = the first one failed). "Equal jitter":
 * half the exponential delay is fixed, the other half scaled by `random` in [0, 1), so the
 * wait lies in [d/2, d) and never collapses to zero.
 */
export function retryDelaySeconds(failedAttempts: number, random: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const delay = Math.min(policy.baseSeconds * 2 ** exponent, policy.maxSeconds);
  return delay / 2 + (delay / 2) * Math.min(Math.max(random, 0), 1);
}

export interface RetryInput {
  /** When the delivery was queued; the horizon counts from here. */
  readonly queuedAt: Date;
  readonly failedAttempts: number;
  readonly now: Date;
  /** The target's own hint (HTTP Retry-After), in seconds; wins over the computed delay. */
  readonly retryAfterSeconds?: number | null;
  readonly random: number;
}

/**
 * When to try again, or null to give up: the next attempt would start after the horizon.
 * A Retry-After hint is honoured but clamped to [1 s, maxSeconds], so a hostile or broken
 * target cannot park a delivery forever or make us hammer it.
 */
export function nextAttemptAt(input: RetryInput, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Date | null {
  const hint = input.retryAfterSeconds;
  const seconds =
    hint !== undefined && hint !== null && Number.isFinite(hint)
      ? Math.min(Math.max(hint, 1), policy.maxSeconds)
      : retryDelaySeconds(input.failedAttempts, input.random, policy);
  const next = new Date(input.now.getTime() + Math.round(seconds * 1000));
  const horizon = input.queuedAt.getTime() + policy.horizonSeconds * 1000;
  return next.getTime() > horizon ? null : next;
}
