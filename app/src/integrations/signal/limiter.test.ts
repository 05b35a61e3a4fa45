import t from 'tap';
import { ChallengeLog } from './captcha.ts';
import { RecipientLimiter } from './limiter.ts';

const at = (seconds: number) => new Date(Date.parse('2026-01-15T12:00:00Z') + seconds * 1000);

t.test('a burst of six passes, then one message per ten seconds', async (t) => {
  const limiter = new RecipientLimiter();
  const burst = Array.from({ length: 6 }, () => limiter.take('+4915112345678', at(0)).allowed);
  t.same(burst, Array(6).fill(true));
  t.same(limiter.take('+4915112345678', at(0)), { allowed: false, retryAfter: 10 });
  t.same(limiter.take('+4915112345678', at(9.5)), { allowed: false, retryAfter: 1 });
  t.same(limiter.take('+4915112345678', at(10)), { allowed: true, retryAfter: 0 });
  t.same(limiter.take('+4915112345678', at(10)), { allowed: false, retryAfter: 10 });
  t.equal(limiter.take('alice.42', at(10)).allowed, true, 'each recipient has its own bucket');
});

t.test('a refused message takes nothing, and a quiet minute fills the bucket again', async (t) => {
  const limiter = new RecipientLimiter();
  for (let i = 0; i < 6; i++) limiter.take('x', at(0));
  for (let i = 0; i < 100; i++) t.equal(limiter.take('x', at(1)).allowed, false);
  t.equal(limiter.take('x', at(10)).allowed, true, 'the refusals did not push the wait further');
  const later = Array.from({ length: 7 }, () => limiter.take('x', at(120)).allowed);
  t.same(later, [true, true, true, true, true, true, false]);
});

t.test('a clock stepping back does not hold messages back for as long as the step', async (t) => {
  const limiter = new RecipientLimiter();
  for (let i = 0; i < 6; i++) limiter.take('x', at(3600));
  t.equal(limiter.take('x', at(3600)).allowed, false);
  t.equal(limiter.take('x', at(0)).allowed, true, 'an hour back: the bucket starts afresh');
  t.same(limiter.take('x', at(1)), { allowed: true, retryAfter: 0 });
});

t.test('buckets that are full again are forgotten once there are too many keys', async (t) => {
  const limiter = new RecipientLimiter(6, 60, 3);
  for (const key of ['a', 'b', 'c']) limiter.take(key, at(0));
  limiter.take('c', at(5));
  t.equal(limiter.size, 3);
  limiter.take('d', at(15));
  t.equal(limiter.size, 2, "'a' and 'b' were full again at 10 s and forgotten; 'c' (full at 20 s) and 'd' kept");
});

t.test('the admins are told about each challenge once a day', async (t) => {
  const log = new ChallengeLog();
  t.equal(log.isNew('tok', at(0)), true);
  log.remember('tok', at(0));
  t.equal(log.isNew('tok', at(3600)), false);
  t.equal(log.isNew('other', at(3600)), true);
  t.equal(log.isNew('tok', at(86_401)), true, 'forgotten after a day');
});
