import t from 'tap';
import { goesDownAt, graceStart, statusAt, type CheckTiming } from './status.ts';

const at = (iso: string) => new Date(`2026-01-01T${iso}Z`);
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

t.test('a simple up check moves through up, grace and down at timeout and timeout+grace', async (t) => {
  const c = check();
  t.equal(statusAt(c, at('10:59:59')), 'up');
  t.equal(statusAt(c, at('11:00:00')), 'grace');
  t.equal(statusAt(c, at('11:09:59')), 'grace');
  t.equal(statusAt(c, at('11:10:00')), 'down');
  t.same(goesDownAt(c), at('11:10:00'));
});

t.test('new, paused and down checks keep their stored status and never time out', async (t) => {
  for (const status of ['new', 'paused', 'down'] as const) {
    const c = check({ status, lastPing: status === 'new' ? null : at('10:00:00') });
    t.equal(statusAt(c, at('23:00:00')), status, status);
    t.equal(goesDownAt(c), null, `${status} has no deadline`);
    t.equal(graceStart(c), null, `${status} has no next ping`);
  }
});

t.test('a start without a finish goes down after the grace time, whatever the stored status', async (t) => {
  for (const status of ['new', 'up', 'paused'] as const) {
    const c = check({ status, lastStart: at('10:30:00') });
    t.equal(statusAt(c, at('10:39:59')), status === 'up' ? 'up' : status, `${status} while running`);
    t.equal(statusAt(c, at('10:40:00')), 'down', `${status} overdue`);
    t.same(goesDownAt(c), at('10:40:00'), `${status} deadline is start + grace`);
  }
});

t.test('API v1 and the dashboard show a running check as started until it is overdue', async (t) => {
  const c = check({ lastStart: at('10:30:00') });
  t.equal(statusAt(c, at('10:35:00'), { withStarted: true }), 'started');
  t.equal(statusAt(c, at('10:40:00'), { withStarted: true }), 'down');
  t.equal(statusAt(c, at('10:35:00')), 'up');
});

t.test('the earlier of next expected ping and last start opens the grace period', async (t) => {
  t.same(graceStart(check({ lastStart: at('10:30:00') })), at('10:30:00'));
  t.same(graceStart(check({ lastStart: at('11:30:00') })), at('11:00:00'));
  t.same(graceStart(check({ lastStart: at('10:30:00') }), false), at('11:00:00'));
});

t.test('a start on a down check does not arm a deadline', async (t) => {
  const c = check({ status: 'down', lastStart: at('10:30:00') });
  t.equal(goesDownAt(c), null);
  t.equal(statusAt(c, at('10:35:00')), 'down');
});

t.test('an up check that never pinged has no deadline', async (t) => {
  t.equal(goesDownAt(check({ lastPing: null })), null);
  t.equal(statusAt(check({ lastPing: null }), at('23:00:00')), 'up');
});
