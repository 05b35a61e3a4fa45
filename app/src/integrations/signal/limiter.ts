// Healthchecks' local limit for Signal: 6 messages a minute per recipient (TokenBucket
// .authorize_signal). A flapping check could otherwise send hundreds of messages a minute,
// and Signal answers floods by rate-limiting the whole account, behind a CAPTCHA: every other
// channel would then go quiet too. Unlike Healthchecks, a message over the limit is not
// dropped: the engine retries it when the bucket has room again.
//
// The bucket lives in this process, not in the database (a send has no database handle): with
// N alert engines a recipient may get up to 6 × N messages a minute. Time is the notice's
// `now`, so the limiter never reads the clock.

export interface LimitDecision {
  readonly allowed: boolean;
  /** When refused: whole seconds until a message is allowed again. */
  readonly retryAfter: number;
}

/**
 * A token bucket per key, `capacity` messages per `perSeconds`, refilled continuously. Kept as
 * the time each key's bucket is full again (the generic cell rate algorithm), in whole
 * milliseconds, so waits come out exact.
 */
export class RecipientLimiter {
  /** Per key: when its bucket is full again (ms since the epoch). */
  private readonly fullAt = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly burstMs: number;

  constructor(
    capacity = 6,
    perSeconds = 60,
    /** Keys kept before the ones with a full bucket are forgotten. */
    private readonly maxKeys = 10_000,
  ) {
    this.intervalMs = (perSeconds * 1000) / capacity;
    this.burstMs = perSeconds * 1000 - this.intervalMs;
  }

  /** Takes one message for `key` at `now`, or says how long to wait. */
  take(key: string, now: Date): LimitDecision {
    const at = now.getTime();
    let stored = this.fullAt.get(key) ?? at;
    // Never further ahead than a whole window unless the clock stepped back: then the key's
    // history is forgotten rather than holding its messages back for as long as the step.
    if (stored - at > this.burstMs + this.intervalMs) stored = at;
    const full = Math.max(stored, at);
    const debt = full - at;
    if (debt > this.burstMs) return { allowed: false, retryAfter: Math.max(1, Math.ceil((debt - this.burstMs) / 1000)) };
    this.fullAt.set(key, full + this.intervalMs);
    if (this.fullAt.size > this.maxKeys) this.forgetFull(at);
    return { allowed: true, retryAfter: 0 };
  }

  /** Keys remembered (memory stays bounded by maxKeys plus the keys still limited). */
  get size(): number {
    return this.fullAt.size;
  }

  private forgetFull(at: number): void {
    for (const [key, full] of this.fullAt) {
      if (full <= at) this.fullAt.delete(key);
    }
  }
}
