import t from 'tap';
import { DEFAULT_RETRY_POLICY, nextAttemptAt, retryDelaySeconds } from './backoff.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 15, 12) + seconds * 1000);

t.test('the delay doubles after each failure from 30 s and stops growing at one hour', async (t) => {
  const upper = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelaySeconds(n, 1));
  t.same(upper, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
});

t.test('jitter keeps each delay between half and all of the exponential value', async (t) => {
  t.equal(retryDelaySeconds(3, 0), 60);
  t.equal(retryDelaySeconds(3, 0.5), 90);
  t.equal(retryDelaySeconds(3, 0.999999) < 120, true);
  t.equal(retryDelaySeconds(3, -5), 60, 'out-of-range randomness is clamped');
});

t.test('the next attempt is now plus the delay while it stays within the horizon', async (t) => {
  const next = nextAttemptAt({ queuedAt: at(0), failedAttempts: 1, now: at(5), random: 0.5 });
  t.same(next, at(5 + 22.5));
});

t.test('a delivery gives up when the next attempt would start after the horizon', async (t) => {
  const horizon = DEFAULT_RETRY_POLICY.horizonSeconds;
  t.not(nextAttemptAt({ queuedAt: at(0), failedAttempts: 20, now: at(horizon - 3600), random: 0 }), null);
  t.equal(nextAttemptAt({ queuedAt: at(0), failedAttempts: 20, now: at(horizon - 60), random: 0 }), null);
});

t.test('Retry-After is honoured but clamped to one second and to the longest delay', async (t) => {
  const base = { queuedAt: at(0), failedAttempts: 1, now: at(0), random: 0 };
  t.same(nextAttemptAt({ ...base, retryAfterSeconds: 120 }), at(120));
  t.same(nextAttemptAt({ ...base, retryAfterSeconds: 0 }), at(1));
  t.same(nextAttemptAt({ ...base, retryAfterSeconds: 10 ** 9 }), at(3600));
  t.same(nextAttemptAt({ ...base, retryAfterSeconds: null }), at(15));
});

t.test('a horizon from the policy is used when given', async (t) => {
  const policy = { baseSeconds: 10, maxSeconds: 100, horizonSeconds: 60 };
  t.same(nextAttemptAt({ queuedAt: at(0), failedAttempts: 1, now: at(0), random: 0 }, policy), at(5));
  t.equal(nextAttemptAt({ queuedAt: at(0), failedAttempts: 4, now: at(30), random: 0.9 }, policy), null);
});
