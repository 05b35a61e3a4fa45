import t from 'tap';
import { decideDeadline, POISON_DELAY_SECONDS } from './deadline.ts';
import type { CheckTiming } from './status.ts';

const at = (iso: string) => new Date(`2026-01-15T${iso}Z`);
const check = (overrides: Partial<CheckTiming> = {}): CheckTiming => ({
  kind: 'simple',
  timeoutSeconds: 3600,
  graceSeconds: 600,
  schedule: '* * * * *',
  tz: 'UTC',
  status: 'up',
  lastPing: at('10:00:00'),
  lastStart: null,
  ...overrides,
});

t.test('an overdue up check goes down with the flip dated at its deadline, not at the scan', async (t) => {
  t.same(decideDeadline(check(), at('13:00:00')), { action: 'down', oldStatus: 'up', flipAt: at('11:10:00') });
});

t.test('a check in its grace period is rescheduled to the end of the grace time', async (t) => {
  t.same(decideDeadline(check(), at('11:05:00')), { action: 'reschedule', alertAfter: at('11:10:00') });
});

t.test('an early alert_after (a ping arrived meanwhile) is pushed to the real deadline', async (t) => {
  t.same(decideDeadline(check({ lastPing: at('11:00:00') }), at('11:10:00')), { action: 'reschedule', alertAfter: at('12:10:00') });
});

t.test('a start without a finish goes down grace after the start, even on a new check', async (t) => {
  const running = check({ status: 'new', lastPing: null, lastStart: at('10:30:00') });
  t.same(decideDeadline(running, at('10:39:00')), { action: 'reschedule', alertAfter: at('10:40:00') });
  t.same(decideDeadline(running, at('10:45:00')), { action: 'down', oldStatus: 'new', flipAt: at('10:40:00') });
});

t.test('new, paused and down checks lose their deadline', async (t) => {
  for (const status of ['new', 'paused', 'down'] as const) {
    t.same(decideDeadline(check({ status }), at('13:00:00')), { action: 'reschedule', alertAfter: null }, status);
  }
});

t.test('a check whose schedule throws is pushed forward one hour with the error', async (t) => {
  const now = at('13:00:00');
  const decision = decideDeadline(check({ kind: 'cron', schedule: 'not a schedule' }), now);
  t.equal(decision.action, 'poison');
  t.same(decision.action === 'poison' && decision.alertAfter, new Date(now.getTime() + POISON_DELAY_SECONDS * 1000));
  t.match(decision.action === 'poison' && decision.error, /\S/);
});
