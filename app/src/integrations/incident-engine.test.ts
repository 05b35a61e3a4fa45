// The incident and paging integrations driven by the real alert engine on a real database:
// what the dispatcher decides (no-ops), the order of down and up, and a permanent error
// disabling the channel, seen at local receivers.
import t from 'tap';
import { harness } from '../alerts/testing.ts';
import { uniqueKey } from '../core/unique-key.ts';
import { insertCheck, insertChannel, insertProject, insertUser } from '../testing/fixtures.ts';
import { startHttpReceiver, startSmtpReceiver } from '../testing/receivers.ts';

const USER_KEY = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

async function downThenUp(h: Awaited<ReturnType<typeof harness>>, channel: { kind: string; config: unknown }) {
  const projectId = (await insertProject(h.ctx.pool, { owner_id: (await insertUser(h.ctx.pool)).id })).id;
  const check = await insertCheck(h.ctx.pool, projectId, { name: 'Backups', status: 'up', timeout_seconds: 3600, grace_seconds: 600, last_ping: new Date('2026-01-15T11:20:00Z'), n_pings: 3 });
  const row = await insertChannel(h.ctx.pool, projectId, { ...channel, name: 'On call', checkIds: [check.id] });
  // What the ping path writes: a fail ping, then a success ping, each with its flip.
  await h.ctx.pool.query(
    `insert into flips (check_id, created_at, old_status, new_status, reason)
     values ($1, '2026-01-15T11:00:00Z', 'up', 'down', 'fail'), ($1, '2026-01-15T11:20:00Z', 'down', 'up', '')`,
    [check.id],
  );
  return { check, channel: row, projectId };
}

t.test('a PagerDuty channel triggers on down and resolves on up, paired by the check\'s unique key', async (t) => {
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 202, body: '{"status":"success"}' }) });
  const h = await harness(t, { PD_EVENTS_URL: receiver.url });
  const { check } = await downThenUp(h, { kind: 'pd', config: { routing_key: 'e93facc04764012d7bfb002500d5d1a6' } });
  await h.engine().runOnce();
  const events = receiver.requests.map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string; payload?: { summary: string } });
  t.same(events.map((e) => [e.event_action, e.dedup_key]), [['trigger', uniqueKey(check.code)], ['resolve', uniqueKey(check.code)]]);
  t.equal(events[0]?.payload?.summary, '"Backups" is DOWN (received a failure signal).');
  const { rows } = await h.ctx.pool.query("select status, state from deliveries order by id");
  t.same(rows, [{ status: 'down', state: 'sent' }, { status: 'up', state: 'sent' }]);
});

t.test('a Pushover channel with emergency downs and disabled ups still gets an up: the cancellation', async (t) => {
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 200, body: '{"status":1}' }) });
  const h = await harness(t, { PUSHOVER_API_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', PUSHOVER_API_URL: receiver.url });
  const { check } = await downThenUp(h, { kind: 'po', config: { user_key: USER_KEY, priority: 2, priority_up: -3 } });
  await h.engine().runOnce();
  t.same(receiver.requests.map((r) => r.url), ['/messages.json', `/receipts/cancel_by_tag/${uniqueKey(check.code)}.json`]);
  t.equal(new URLSearchParams(receiver.requests[0]?.body).get('priority'), '2');
});

t.test('Pushover refusing the user key disables the channel and tells the project owner', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const receiver = await startHttpReceiver(t, { respond: () => ({ status: 400, body: '{"user":"invalid","errors":["user identifier is invalid"],"status":0}' }) });
  const h = await harness(t, {
    PUSHOVER_API_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
    PUSHOVER_API_URL: receiver.url,
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(smtp.port),
    EMAIL_USE_TLS: 'false',
  });
  const { channel } = await downThenUp(h, { kind: 'po', config: { user_key: USER_KEY } });
  await h.engine().runOnce();
  t.equal(receiver.requests.length, 1, 'the up is not sent to a disabled channel');
  const { rows } = await h.ctx.pool.query('select disabled, last_error from channels where id = $1', [channel.id]);
  t.same(rows, [{ disabled: true, last_error: 'Received status code 400 (invalid user)' }]);
  await smtp.waitFor(1);
  t.match(smtp.messages[0]?.parsed.subject, /^Integration disabled: On call /);
  t.match(smtp.messages[0]?.parsed.text, /disabled the Pushover integration "On call"/);
});
