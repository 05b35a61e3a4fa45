import t from 'tap';
import { plainText } from '../../core/summary.ts';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkConfigCases } from '../config-cases.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { TransportError } from '../types.ts';
import { parseOpsgenieConfig } from './config.ts';
import { opsgenie } from './index.ts';
import { opsgenieRequest } from './message.ts';

const KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const ALIAS = 'c34351c1894a803dcee4239a9dd627ad770cb45c';
const site = { apiUrls: { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' }, siteName: 'Cronwarden' };
const HEADERS = { Authorization: `GenieKey ${KEY}`, 'Content-Type': 'application/json' };
const config = (fields: Record<string, unknown> = {}) => parseOpsgenieConfig({ key: KEY, ...fields });
const upNotice = () => testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });

t.test('down creates an alert aliased by the check\'s unique key, with tags and details', async (t) => {
  const notice = testNotice();
  const request = opsgenieRequest(config(), notice, site);
  t.same({ ...request, body: undefined }, { method: 'POST', url: 'https://api.opsgenie.com/v2/alerts', headers: HEADERS, body: undefined });
  t.same(JSON.parse(String(request.body)), {
    message: '"Backups" is DOWN (success signal did not arrive on time, grace time passed).',
    alias: ALIAS,
    description: plainText(notice.summary, notice.now, { bodyChars: 1000 }),
    tags: ['prod', 'db'],
    details: {
      Project: 'Infra',
      Tags: 'prod, db',
      Period: '1 hour',
      'Total pings': '42',
      'Last ping': 'Success, 2 hours ago, from 192.0.2.7',
      'Status changed to down at': 'Thu, 15 Jan 2026 11:10:00 GMT',
    },
    entity: 'Backups',
    source: 'Cronwarden',
  });
});

t.test('up closes the alert by alias, in the channel\'s region', async (t) => {
  t.same(opsgenieRequest(config({ region: 'eu' }), upNotice(), site), {
    method: 'POST',
    url: `https://api.eu.opsgenie.com/v2/alerts/${ALIAS}/close?identifierType=alias`,
    headers: HEADERS,
    body: JSON.stringify({ source: 'Cronwarden', note: '"Backups" is UP. The downtime lasted 30 minutes.' }),
  });
  t.same([opsgenie.open(config()).isNoop('down'), opsgenie.open(config()).isNoop('up')], [false, false]);
});

t.test('fields stay within Opsgenie\'s limits', async (t) => {
  const tags = Array.from({ length: 30 }, (_, i) => `${'t'.repeat(60)}${i}`).join(' ');
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, name: 'N'.repeat(600), tags }, otherDownNames: ['a', 'b'], otherDownCount: 2 } });
  const body = JSON.parse(String(opsgenieRequest(config(), notice, site).body)) as { message: string; tags: string[]; entity: string; details: Record<string, string> };
  t.equal([...body.message].length, 130);
  t.equal([...body.entity].length, 512);
  t.equal(body.tags.length, 20);
  t.ok(body.tags.every((tag) => [...tag].length <= 50));
  t.equal(body.details['Other checks'], 'Other checks down: "a", "b".');
});

t.test('settings: a key and a region; Healthchecks\' value is accepted', async (t) => {
  checkConfigCases(t, opsgenie, new URL('./fixtures/config.json', import.meta.url));
});

t.test('each region\'s requests go to its own API base', async (t) => {
  const us = await startHttpReceiver(t, { respond: () => ({ status: 202, body: '{"result":"Request will be processed","took":0.1,"requestId":"r"}' }) });
  const eu = await startHttpReceiver(t, { respond: () => ({ status: 202, body: '{"result":"Request will be processed"}' }) });
  const ctx = testSendContext(t, { OPSGENIE_US_API_URL: us.url, OPSGENIE_EU_API_URL: eu.url });
  await opsgenie.open(config({ region: 'us' })).send(testNotice(), ctx);
  await opsgenie.open(config({ region: 'eu' })).send(upNotice(), ctx);
  t.same(us.requests.map((r) => [r.method, r.url, r.headers.authorization]), [['POST', '/v2/alerts', `GenieKey ${KEY}`]]);
  t.same(eu.requests.map((r) => [r.method, r.url]), [['POST', `/v2/alerts/${ALIAS}/close?identifierType=alias`]]);
  t.match(JSON.parse(us.requests[0]?.body ?? ''), { alias: ALIAS, source: ctx.config.siteName });
});

t.test('200, 201 and 202 are success; 401, 402 and 403 are permanent; 422 fails that delivery only; 429 and 5xx are retried', async (t) => {
  const error = (status: number, message: string) => ({ status, body: JSON.stringify({ message, took: 0.002, requestId: 'r' }) });
  const answers = [
    { status: 200 },
    { status: 201 },
    { status: 202 },
    error(401, 'Key format is not valid!'),
    error(402, 'Your plan does not allow this'),
    error(403, 'You are not authorized for taking this action.'),
    error(422, 'Message can not be empty.'),
    { ...error(429, 'You are making too many requests!'), headers: { 'Retry-After': '60' } },
    { status: 503, body: '<html>unavailable</html>' },
  ];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 202 } });
  const ctx = testSendContext(t, { OPSGENIE_US_API_URL: receiver.url });
  const channel = opsgenie.open(config());
  const outcomes = [];
  for (let i = 0; i < answers.length; i++) {
    const e = await channel.send(testNotice(), ctx).then(() => null, (err: unknown) => err);
    if (e !== null) t.type(e, TransportError);
    outcomes.push(e instanceof TransportError ? [e.message, e.permanent, e.final, e.retryAfter] : 'ok');
  }
  t.same(outcomes, [
    'ok',
    'ok',
    'ok',
    ['Received status code 401 with a message: "Key format is not valid!"', true, true, null],
    ['Received status code 402 with a message: "Your plan does not allow this"', true, true, null],
    ['Received status code 403 with a message: "You are not authorized for taking this action."', true, true, null],
    ['Received status code 422 with a message: "Message can not be empty."', false, true, null],
    ['Received status code 429 with a message: "You are making too many requests!"', false, false, 60],
    ['Received status code 503', false, false, null],
  ]);
});

t.test('OPSGENIE_ENABLED=false refuses to send', async (t) => {
  await t.rejects(opsgenie.open(config()).send(testNotice(), testSendContext(t, { OPSGENIE_ENABLED: 'false' })), { message: 'Opsgenie notifications are not enabled.', permanent: false });
});
