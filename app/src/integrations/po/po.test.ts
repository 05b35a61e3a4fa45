import t from 'tap';
import { testDatabase } from '../../testing/db.ts';
import { startHttpReceiver, type ReceivedRequest } from '../../testing/receivers.ts';
import { checkConfigCases } from '../config-cases.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { createRateLimiter } from '../stores.ts';
import { TransportError } from '../types.ts';
import { parsePushoverConfig } from './config.ts';
import { pushover } from './index.ts';
import { MESSAGE_LIMIT, message, pushoverRequests, title } from './message.ts';

const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const TAG = 'c34351c1894a803dcee4239a9dd627ad770cb45c';
const site = { apiUrl: 'https://api.pushover.net/1', apiToken: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', emergencyRetryDelay: 300, emergencyExpiration: 86400 };
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const config = (fields: Record<string, unknown>) => parsePushoverConfig({ user_key: USER, ...fields });
const form = (body: string | Uint8Array | null | undefined) => [...new URLSearchParams(typeof body === 'string' ? body : '')];
const upNotice = () => testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });

const DOWN_MESSAGE = [
  '&quot;Backups&quot; is DOWN (success signal did not arrive on time, grace time passed).',
  '',
  '<b>Project:</b> Infra',
  '<b>Tags:</b> prod, db',
  '<b>Period:</b> 1 hour',
  '<b>Total pings:</b> 42',
  '<b>Last ping:</b> Success, 2 hours ago, from 192.0.2.7',
  '<b>Status changed to down at:</b> Thu, 15 Jan 2026 11:10:00 GMT',
  '',
  '<b>Last ping body:</b>',
  'backup done: 12 GB',
].join('\n');

t.test('a down message is one form POST with the HTML text, title, priority, time and tag', async (t) => {
  const [request, ...rest] = pushoverRequests(config({ priority: 1 }), testNotice(), site);
  t.same(rest, []);
  t.same({ ...request, body: undefined }, { method: 'POST', url: 'https://api.pushover.net/1/messages.json', headers: FORM, body: undefined });
  t.same(form(request?.body), [
    ['token', site.apiToken],
    ['user', USER],
    ['title', '🔴 Backups is DOWN'],
    ['message', DOWN_MESSAGE],
    ['html', '1'],
    ['priority', '1'],
    ['timestamp', String(Date.parse('2026-01-15T11:10:00Z') / 1000)],
    ['tags', TAG],
  ]);
});

t.test('an emergency down message repeats every PUSHOVER_EMERGENCY_RETRY_DELAY until PUSHOVER_EMERGENCY_EXPIRATION', async (t) => {
  const [request] = pushoverRequests(config({ priority: 2, priority_up: 0 }), testNotice(), { ...site, emergencyRetryDelay: 120, emergencyExpiration: 3600 });
  t.same(form(request?.body).slice(5), [['priority', '2'], ['timestamp', '1768475400'], ['tags', TAG], ['retry', '120'], ['expire', '3600']]);
});

t.test('an up after emergency downs cancels them by tag first, then says up', async (t) => {
  const requests = pushoverRequests(config({ priority: 2, priority_up: -1 }), upNotice(), site);
  t.same(
    requests.map((r) => [r.method, r.url]),
    [
      ['POST', `https://api.pushover.net/1/receipts/cancel_by_tag/${TAG}.json`],
      ['POST', 'https://api.pushover.net/1/messages.json'],
    ],
  );
  t.same(form(requests[0]?.body), [['token', site.apiToken]]);
  const up = new URLSearchParams(String(requests[1]?.body));
  t.same([up.get('title'), up.get('priority'), up.get('retry')], ['🟢 Backups is UP', '-1', null]);
  t.match(up.get('message'), /^&quot;Backups&quot; is UP\. The downtime lasted 30 minutes\.\n\n<b>Project:<\/b> Infra\n/);
});

t.test('an up with priority -3 after emergency downs only cancels; otherwise it is a no-op', async (t) => {
  const cancelOnly = pushoverRequests(config({ priority: 2, priority_up: -3 }), upNotice(), site);
  t.same(cancelOnly.map((r) => r.url), [`https://api.pushover.net/1/receipts/cancel_by_tag/${TAG}.json`]);
  const cases: Array<[Record<string, unknown>, boolean, boolean]> = [
    [{ priority: 0, priority_up: 0 }, false, false],
    [{ priority: -3, priority_up: 0 }, true, false],
    [{ priority: 1, priority_up: -3 }, false, true],
    [{ priority: 2, priority_up: -3 }, false, false],
  ];
  for (const [fields, down, up] of cases) {
    const channel = pushover.open(config(fields));
    t.same([channel.isNoop('down'), channel.isNoop('up')], [down, up], JSON.stringify(fields));
  }
  t.same(pushoverRequests(config({ priority: 1, priority_up: 2 }), upNotice(), site).length, 1, 'no cancel when downs were not emergencies');
});

t.test('reminders say "still DOWN"; long names and bodies stay within Pushover\'s limits without cutting a tag', async (t) => {
  const reminder = testNotice({ facts: { event: 'reminder', downSince: new Date('2026-01-15T09:00:00Z') } });
  t.equal(title(reminder.summary), '🔴 Backups is still DOWN');
  const others = Array.from({ length: 10 }, (_, i) => `<other & check ${i}> ${'x'.repeat(60)}`);
  const big = testNotice({
    facts: {
      check: { ...summaryFacts().check, name: 'N'.repeat(300) },
      otherDownNames: others,
      otherDownCount: 10,
      lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode('<&>'.repeat(2000)) },
    },
  });
  t.equal([...title(big.summary)].length, 250);
  const text = message(big.summary, big.now);
  t.ok(text.length <= MESSAGE_LIMIT, `${text.length} characters`);
  t.notMatch(text, /&[a-z]*$|<[^>]*$/, 'ends on a whole entity and a whole tag');
  t.equal(text.match(/<b>/g)?.length, text.match(/<\/b>/g)?.length);
  const short = message(testNotice({ facts: { lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode('E'.repeat(5000)) } } }).summary, big.now);
  t.match(short, /\n\n<b>Last ping body:<\/b>\n\[…\]E{300}$/, 'the end of a long body, marked as cut');
});

t.test('settings are validated field by field, and Healthchecks\' value is accepted', async (t) => {
  checkConfigCases(t, pushover, new URL('./fixtures/config.json', import.meta.url));
});

async function pushoverReceiver(t: Parameters<typeof startHttpReceiver>[0], answers: Array<{ status: number; headers?: Record<string, string>; body?: string }>) {
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200, body: '{"status":1}' } });
  const ctx = testSendContext(t, { PUSHOVER_API_TOKEN: site.apiToken, PUSHOVER_API_URL: `${receiver.url}/1` });
  return { receiver, ctx };
}

const paths = (requests: ReceivedRequest[]) => requests.map((r) => `${r.method} ${r.url}`);

t.test('a 200 answer is success, and both requests of an up reach the API in order', async (t) => {
  const { receiver, ctx } = await pushoverReceiver(t, []);
  await pushover.open(config({ priority: 2, priority_up: 0 })).send(upNotice(), ctx);
  t.same(paths(receiver.requests), [`POST /1/receipts/cancel_by_tag/${TAG}.json`, 'POST /1/messages.json']);
  t.equal(receiver.requests[1]?.headers['content-type'], 'application/x-www-form-urlencoded');
  t.equal(new URLSearchParams(receiver.requests[1]?.body).get('user'), USER);
});

t.test('a failed message after a cancel fails the attempt; the retry cancels again (harmless) and sends', async (t) => {
  const { receiver, ctx } = await pushoverReceiver(t, [{ status: 200 }, { status: 503, headers: { 'Retry-After': '20' } }]);
  const channel = pushover.open(config({ priority: 2, priority_up: 0 }));
  await t.rejects(channel.send(upNotice(), ctx), { message: 'Received status code 503', permanent: false, retryAfter: 20 });
  await channel.send(upNotice(), ctx);
  t.same(paths(receiver.requests), [
    `POST /1/receipts/cancel_by_tag/${TAG}.json`,
    'POST /1/messages.json',
    `POST /1/receipts/cancel_by_tag/${TAG}.json`,
    'POST /1/messages.json',
  ]);
});

t.test('a failed cancel stops the attempt before the message is sent', async (t) => {
  const { receiver, ctx } = await pushoverReceiver(t, [{ status: 500 }]);
  await t.rejects(pushover.open(config({ priority: 2 })).send(upNotice(), ctx), { message: 'Received status code 500', permanent: false });
  t.equal(receiver.requests.length, 1);
});

t.test('an invalid user key is permanent; a rejected app token, a spent quota and other 400s are retried', async (t) => {
  const reset = String(Math.floor(testNotice().now.getTime() / 1000) + 600);
  const { ctx } = await pushoverReceiver(t, [
    { status: 400, body: '{"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0}' },
    { status: 400, body: '{"token":"invalid","errors":["application token is invalid"],"status":0}' },
    { status: 429, headers: { 'X-Limit-App-Reset': reset }, body: '{"errors":["application has exceeded its message quota"],"status":0}' },
    { status: 400, body: '{"message":"invalid","errors":["message cannot be blank"],"status":0}' },
  ]);
  const channel = pushover.open(config({}));
  const outcomes = [];
  for (let i = 0; i < 4; i++) {
    const error = await channel.send(testNotice(), ctx).then(() => null, (e: unknown) => e);
    t.type(error, TransportError);
    const e = error as TransportError;
    outcomes.push([e.message, e.permanent, e.retryAfter]);
  }
  t.same(outcomes, [
    ['Received status code 400 (invalid user)', true, null],
    ['Received status code 400 (invalid application token: check PUSHOVER_API_TOKEN)', false, null],
    ['Received status code 429 with a message: "application has exceeded its message quota"', false, 600],
    ['Received status code 400 with a message: "message cannot be blank"', false, null],
  ]);
});

t.test('without PUSHOVER_API_TOKEN sends fail, and are retried until it is set', async (t) => {
  await t.rejects(pushover.open(config({})).send(testNotice(), testSendContext(t)), { message: 'Pushover notifications are not enabled.', permanent: false });
});

t.test('at most 6 messages a minute per user key, through the database; the seventh waits', async (t) => {
  const db = await testDatabase(t);
  const { receiver, ctx } = await pushoverReceiver(t, []);
  const limited = { ...ctx, rateLimiter: createRateLimiter(db.pool) };
  const outcome = (key: string) =>
    pushover.open(config({ user_key: key })).send(testNotice(), limited).then(() => 'ok', (e: TransportError) => `${e.message} retry ${e.retryAfter}`);
  const outcomes = [];
  for (let i = 0; i < 7; i++) outcomes.push(await outcome(USER));
  t.same(outcomes.slice(0, 6), Array(6).fill('ok'));
  t.match(outcomes[6], /^Rate limit exceeded retry (1\d|[2-6]\d|70)$/, 'the seventh is held back, to be retried within the minute');
  t.equal(await outcome('u'.repeat(30)), 'ok', 'another user key has its own limit');
  t.equal(receiver.requests.length, 7);
});
