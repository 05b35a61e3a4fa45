// Cron deadlines across daylight saving time changes. This test needs the real schedule
// engine (app/src/core/schedule, issue 3): until it is merged, parseSchedule refuses every
// expression and these checks are pushed forward as poison, so the test fails by design.
// Expected times are cronsim's (tests/test_cronsim.py, TestDstTransitions, Europe/Riga 2021).
import t from 'tap';
import { insertCheck, insertProject } from '../testing/fixtures.ts';
import { harness } from './testing.ts';

interface Case {
  name: string;
  schedule: string;
  tz: string;
  graceSeconds: number;
  lastPing: string;
  /** next fire time after the last ping, plus the grace time */
  deadline: string;
}

const cases: Case[] = [
  {
    name: 'a daily 03:00 job after the spring-forward night is due 23 hours later',
    schedule: '0 3 * * *',
    tz: 'Europe/Riga',
    graceSeconds: 3600,
    lastPing: '2021-03-28T01:00:00Z', // 04:00+03:00, the run moved out of the skipped hour
    deadline: '2021-03-29T01:00:00Z', // 03:00+03:00 on the 29th, plus one hour
  },
  {
    name: 'a daily 03:00 job on the fall-back night is due 25 hours later',
    schedule: '0 3 * * *',
    tz: 'Europe/Riga',
    graceSeconds: 3600,
    lastPing: '2021-10-31T00:00:00Z', // 03:00+03:00
    deadline: '2021-11-01T02:00:00Z', // 03:00+02:00 on November 1st, plus one hour
  },
  {
    name: 'an hourly job runs in both copies of the repeated hour',
    schedule: '0 * * * *',
    tz: 'Europe/Riga',
    graceSeconds: 60,
    lastPing: '2021-10-31T00:00:00Z', // 03:00+03:00
    deadline: '2021-10-31T01:01:00Z', // 03:00+02:00, plus one minute
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const h = await harness(t);
    const project = await insertProject(h.ctx.pool);
    const check = await insertCheck(h.ctx.pool, project.id, {
      kind: 'cron',
      schedule: c.schedule,
      tz: c.tz,
      grace_seconds: c.graceSeconds,
      status: 'up',
      last_ping: new Date(c.lastPing),
      // Early, as the ping path may store it: the engine must find the real deadline itself.
      alert_after: new Date(new Date(c.lastPing).getTime() + 60_000),
    });
    const engine = h.engine();
    const deadline = new Date(c.deadline);
    h.clock.set(new Date(deadline.getTime() - 1000).toISOString());
    await engine.runOnce();
    const before = await h.ctx.pool.query('select status, alert_after from checks where id = $1', [check.id]);
    t.same(before.rows, [{ status: 'up', alert_after: deadline }], 'one second before: up, with the real deadline stored');

    h.clock.set(c.deadline);
    await engine.runOnce();
    const flips = await h.ctx.pool.query('select old_status, new_status, reason, created_at from flips where check_id = $1', [check.id]);
    t.same(flips.rows, [{ old_status: 'up', new_status: 'down', reason: 'timeout', created_at: deadline }], 'at the deadline: down');
  });
}
