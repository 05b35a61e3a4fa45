import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkConfigCases } from '../config-cases.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { TransportError } from '../types.ts';
import { parsePagerDutyConfig } from './config.ts';
import { pagerduty } from './index.ts';
import { pagerDutyEvent, pagerDutyRequest } from './message.ts';

const KEY = 'e93facc04764012d7bfb002500d5d1a6';
const DEDUP = 'c34351c1894a803dcee4239a9dd627ad770cb45c';
const site = { eventsUrl: 'https://events.pagerduty.com', siteName: 'Cronwarden' };
const config = (fields: Record<string, unknown> = {}) => parsePagerDutyConfig({ routing_key: KEY, ...fields });
const upNotice = () => testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });

t.test('down triggers an alert keyed by the check\'s unique key, with severity, summary and details', async (t) => {
  const notice = testNotice({ facts: { otherDownNames: ['db'], otherDownCount: 1 } });
  t.same(pagerDutyRequest(config({ severity: 'error' }), notice, site), {
    method: 'POST',
    url: 'https://events.pagerduty.com/v2/enqueue',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(pagerDutyEvent(config({ severity: 'error' }), notice, site)),
  });
  t.same(pagerDutyEvent(config({ severity: 'error' }), notice, site), {
    routing_key: KEY,
    event_action: 'trigger',
    dedup_key: DEDUP,
    payload: {
      summary: '"Backups" is DOWN (success signal did not arrive on time, grace time passed).',
      source: 'Backups',
      severity: 'error',
      timestamp: '2026-01-15T11:10:00.000Z',
      group: 'Infra',
      custom_details: {
        Description: 'Nightly database backup',
        Project: 'Infra',
        Tags: 'prod, db',
        Period: '1 hour',
        'Total pings': '42',
        'Last ping': 'Success, 2 hours ago, from 192.0.2.7',
        'Status changed to down at': 'Thu, 15 Jan 2026 11:10:00 GMT',
        'Other checks': 'Other checks down: "db".',
        'Last ping body': 'backup done: 12 GB',
      },
    },
    client: 'Cronwarden',
  });
});

t.test('up resolves the alert with the same dedup_key; reminders trigger again (joining the open alert)', async (t) => {
  t.same(pagerDutyEvent(config(), upNotice(), site), { routing_key: KEY, event_action: 'resolve', dedup_key: DEDUP });
  const reminder = pagerDutyEvent(config(), testNotice({ facts: { event: 'reminder', downSince: new Date('2026-01-15T09:00:00Z') } }), site);
  t.match(reminder, { event_action: 'trigger', dedup_key: DEDUP, payload: { summary: '"Backups" is still DOWN (down for 3 hours).' } });
});

t.test('the summary and source stay within PagerDuty\'s limits; an unnamed check is its UUID; no project, no group', async (t) => {
  const long = pagerDutyEvent(config(), testNotice({ facts: { check: { ...summaryFacts().check, name: 'x'.repeat(2000) } } }), site);
  const payload = long.payload as { summary: string; source: string };
  t.same([[...payload.summary].length, [...payload.source].length], [1024, 255]);
  const unnamed = pagerDutyEvent(config(), testNotice({ facts: { check: { ...summaryFacts().check, name: '' }, project: { code: 'p', name: '' } } }), site);
  t.match(unnamed.payload, { source: '6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90' });
  t.notOk('group' in (unnamed.payload as object));
  t.same([pagerduty.open(config()).isNoop('down'), pagerduty.open(config()).isNoop('up')], [false, false]);
});

t.test('settings: a 32-character integration key and a severity; Healthchecks\' service_key and value are accepted', async (t) => {
  checkConfigCases(t, pagerduty, new URL('./fixtures/config.json', import.meta.url));
});

t.test('202 is success; an invalid routing key is permanent; other 400s fail that delivery only; 429 and 5xx are retried', async (t) => {
  const answers = [
    { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' },
    { status: 200, body: '{}' },
    { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["Invalid routing key"]}' },
    { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect (should be 32 characters)"]}' },
    { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["\'payload.summary\' is missing or blank"]}' },
    { status: 429, headers: { 'Retry-After': '30' }, body: '' },
    { status: 500, body: '{"status":"Internal error","message":"Something went wrong"}' },
  ];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 202 } });
  const ctx = testSendContext(t, { PD_EVENTS_URL: receiver.url });
  const channel = pagerduty.open(config());
  const outcomes = [];
  for (let i = 0; i < answers.length; i++) {
    const error = await channel.send(testNotice(), ctx).then(() => null, (e: unknown) => e);
    if (error !== null) t.type(error, TransportError);
    const e = error as TransportError | null;
    outcomes.push(e === null ? 'ok' : [e.message, e.permanent, e.final, e.retryAfter]);
  }
  t.same(outcomes, [
    'ok',
    ['Received status code 200', false, false, null],
    ['Received status code 400 with a message: "Invalid routing key"', true, true, null],
    ['Received status code 400 with a message: "Length of \'routing_key\' is incorrect (should be 32 characters)"', true, true, null],
    ['Received status code 400 with a message: "\'payload.summary\' is missing or blank"', false, true, null],
    ['Received status code 429', false, false, 30],
    ['Received status code 500 with a message: "Something went wrong"', false, false, null],
  ]);
  const first = receiver.requests[0];
  t.same([first?.method, first?.url, first?.headers['content-type']], ['POST', '/v2/enqueue', 'application/json']);
  t.same(JSON.parse(first?.body ?? ''), pagerDutyEvent(config(), testNotice(), { ...site, siteName: ctx.config.siteName }));
});

t.test('PD_ENABLED=false refuses to send', async (t) => {
  await t.rejects(pagerduty.open(config()).send(testNotice(), testSendContext(t, { PD_ENABLED: 'false' })), { message: 'PagerDuty notifications are not enabled.', permanent: false });
});
