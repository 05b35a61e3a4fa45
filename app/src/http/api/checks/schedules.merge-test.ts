// Cron and OnCalendar checks through the API. The schedule engine (issue 3) is built in
// parallel: until it is merged, parseSchedule refuses every expression and these tests fail,
// so this file is named *.merge-test.ts, which tap does not run (tsc still type-checks it).
// Enable it when the engine lands:  git mv app/src/http/api/checks/schedules.merge-test.ts app/src/http/api/checks/schedules.test.ts
import t from 'tap';
import { insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

type Doc = Record<string, unknown>;

t.test('a five-field schedule creates a cron check showing schedule and tz, not timeout', async (t) => {
  const f = await apiFixture(t);
  const res = await f.api('/api/v1/checks/', { json: { schedule: '5 * * * *', tz: 'Europe/Riga', grace: 60, timeout: 120 } });
  t.equal(res.status, 201);
  const doc = (await res.json()) as Doc;
  t.same([doc.schedule, doc.tz, doc.grace, 'timeout' in doc], ['5 * * * *', 'Europe/Riga', 60, false]);
  const { rows } = await f.pool.query('select kind, schedule, tz, timeout_seconds from checks');
  t.same(rows, [{ kind: 'cron', schedule: '5 * * * *', tz: 'Europe/Riga', timeout_seconds: 86400 }], 'timeout is ignored with a schedule');
});

t.test('any other schedule is OnCalendar', async (t) => {
  const f = await apiFixture(t);
  for (const schedule of ['12:34', 'Mon..Fri 08:00', '*-*-* 02:00:00\n*-*-* 14:00:00']) {
    const res = await f.api('/api/v3/checks/', { json: { schedule, tz: 'Europe/Riga' } });
    t.equal(res.status, 201, schedule);
    t.same(((await res.json()) as Doc).schedule, schedule);
  }
  t.same((await f.pool.query('select distinct kind from checks')).rows, [{ kind: 'oncalendar' }]);
});

t.test('legacy time zone names are accepted with a schedule', async (t) => {
  const f = await apiFixture(t);
  for (const tz of ['Europe/Kiev', 'UCT', 'CET']) {
    t.equal((await f.api('/api/v3/checks/', { json: { schedule: '* * * * *', tz, grace: 60 } })).status, 201, tz);
  }
});

t.test('update switches cron to simple with a timeout and to OnCalendar with a schedule', async (t) => {
  const f = await apiFixture(t);
  const check = await insertCheck(f.pool, f.project.id, { kind: 'cron', schedule: '5 * * * *' });
  t.equal((await f.api(`/api/v3/checks/${check.code}`, { json: { timeout: 3600 } })).status, 200);
  t.same((await f.pool.query('select kind from checks')).rows, [{ kind: 'simple' }]);
  t.equal((await f.api(`/api/v3/checks/${check.code}`, { json: { schedule: '12:34' } })).status, 200);
  t.same((await f.pool.query('select kind, schedule from checks')).rows, [{ kind: 'oncalendar', schedule: '12:34' }]);
});

t.test('a schedule change recomputes alert_after and next_ping from the next fire time', async (t) => {
  const f = await apiFixture(t);
  f.clock.set('2026-01-15T11:30:00Z');
  const check = await insertCheck(f.pool, f.project.id, { status: 'up', last_ping: new Date('2026-01-15T11:00:00Z'), grace_seconds: 60 });
  const res = await f.api(`/api/v3/checks/${check.code}`, { json: { schedule: '0 * * * *', tz: 'UTC' } });
  const doc = (await res.json()) as Doc;
  t.same([doc.status, doc.next_ping], ['up', '2026-01-15T12:00:00+00:00']);
  t.same((await f.pool.query('select alert_after from checks')).rows, [{ alert_after: new Date('2026-01-15T12:01:00Z') }]);
});

t.test('the Terraform provider can set a cron schedule and time zone', async (t) => {
  const f = await apiFixture(t);
  const created = await f.api('/api/v1/checks/', { json: { channels: '', methods: '', name: 'nightly', slug: 'nightly', grace: 3600, timeout: 86400 } });
  const { uuid } = (await created.json()) as { uuid: string };
  const res = await f.api(`/api/v1/checks/${uuid}`, { body: '{"channels":"","grace":3600,"methods":"","name":"nightly","schedule":"0 3 * * *","slug":"nightly","timeout":86400,"tz":"Europe/Riga"}', method: 'POST' });
  t.equal(res.status, 200);
  t.match(await res.json(), { schedule: '0 3 * * *', tz: 'Europe/Riga' });
});
