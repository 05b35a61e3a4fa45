import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkConfigCases } from '../config-cases.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { TransportError } from '../types.ts';
import { parseZulipConfig } from './config.ts';
import { zulip } from './index.ts';
import { content, zulipRequest } from './message.ts';

const BOT = { bot_email: 'alerts-bot@example.zulipchat.com', api_key: 'fYdH4mL4eNT0oVNnRJyL0fIzgWDd5gzE', site: 'https://example.zulipchat.com' };
const config = (fields: Record<string, unknown> = {}) => parseZulipConfig({ ...BOT, mtype: 'stream', to: 'ops', ...fields });
const form = (body: string | Uint8Array | null | undefined) => [...new URLSearchParams(typeof body === 'string' ? body : '')];
const upNotice = () => testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });

const DOWN_CONTENT = [
  '🔴 **"Backups" is DOWN (success signal did not arrive on time, grace time passed).**',
  '',
  'Nightly database backup',
  '',
  '**Project:** Infra',
  '**Tags:** prod, db',
  '**Period:** 1 hour',
  '**Total pings:** 42',
  '**Last ping:** Success, 2 hours ago, from 192.0.2.7',
  '**Status changed to down at:** Thu, 15 Jan 2026 11:10:00 GMT',
  '',
  '**Last ping body:**',
  '```text',
  'backup done: 12 GB',
  '```',
].join('\n');

t.test('a stream message: basic auth with the bot, the default topic, Markdown content', async (t) => {
  const request = zulipRequest(config(), testNotice());
  t.same({ ...request, body: undefined }, {
    method: 'POST',
    url: 'https://example.zulipchat.com/api/v1/messages',
    headers: {
      Authorization: `Basic ${Buffer.from(`${BOT.bot_email}:${BOT.api_key}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: undefined,
  });
  t.same(form(request.body), [['type', 'stream'], ['to', 'ops'], ['topic', 'Backups is DOWN'], ['content', DOWN_CONTENT]]);
});

t.test('up: its own default topic, or the channel\'s topic; private messages have none and ids become a list', async (t) => {
  t.same(form(zulipRequest(config(), upNotice()).body).slice(0, 3), [['type', 'stream'], ['to', 'ops'], ['topic', 'Backups is UP']]);
  t.match(form(zulipRequest(config(), upNotice()).body)[3]?.[1], /^🟢 \*\*"Backups" is UP\. The downtime lasted 30 minutes\.\*\*\n/);
  t.same(form(zulipRequest(config({ topic: 'cron' }), testNotice()).body)[2], ['topic', 'cron']);
  t.same(form(zulipRequest(config({ mtype: 'private', to: '17' }), testNotice()).body).slice(0, 2), [['type', 'private'], ['to', '[17]']]);
  t.same(form(zulipRequest(config({ mtype: 'private', to: 'ops@example.org' }), testNotice()).body).slice(0, 3), [['type', 'private'], ['to', 'ops@example.org'], ['content', DOWN_CONTENT]]);
});

t.test('names cannot format, mention or break the topic; a body with backticks keeps its fence', async (t) => {
  const notice = testNotice({
    facts: {
      check: { ...summaryFacts().check, name: '@**all** [x](http://e.example) `rm`\nnext', desc: '' },
      lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode('a ``` b ```` c') },
    },
  });
  const text = content(notice.summary, notice.now);
  t.match(text, /^🔴 \*\*"@\\\*\\\*all\\\*\\\* \\\[x\\\]\(http:\/\/e\.example\) \\`rm\\`\nnext" is DOWN/);
  t.match(text, /\n`````text\na ``` b ```` c\n`````$/);
  t.same(form(zulipRequest(config(), notice).body)[2], ['topic', '@**all** [x](http://e.example) `rm` next is DOWN']);
  const long = testNotice({ facts: { check: { ...summaryFacts().check, name: 'n'.repeat(100) } } });
  t.equal([...(form(zulipRequest(config(), long).body)[2]?.[1] ?? '')].length, 60);
  t.same([zulip.open(config()).isNoop('down'), zulip.open(config()).isNoop('up')], [false, false]);
});

t.test('settings: bot, site, stream or private; Healthchecks\' value and site rule', async (t) => {
  checkConfigCases(t, zulip, new URL('./fixtures/config.json', import.meta.url));
});

t.test('200 is success; refusals about the settings are permanent; rate limits and server errors are retried', async (t) => {
  const error = (status: number, msg: string, code: string, extra: object = {}) => ({ status, body: JSON.stringify({ result: 'error', msg, code, ...extra }) });
  const answers = [
    { status: 200, body: '{"result":"success","msg":"","id":42}' },
    error(400, "Stream 'nope' does not exist", 'STREAM_DOES_NOT_EXIST', { stream: 'nope' }),
    error(400, "Invalid email 'x@example.org'", 'BAD_REQUEST'),
    error(401, 'Invalid API key', 'INVALID_API_KEY'),
    error(403, 'Account is deactivated', 'USER_DEACTIVATED'),
    { status: 404, body: '<html>Not Found</html>' },
    { ...error(429, 'API usage exceeded rate limit', 'RATE_LIMIT_HIT', { 'retry-after': 2.5 }) },
    { ...error(429, 'API usage exceeded rate limit', 'RATE_LIMIT_HIT'), headers: { 'Retry-After': '9' } },
    { status: 502, body: '' },
  ];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const channel = zulip.open(config({ site: receiver.url }));
  const outcomes = [];
  for (let i = 0; i < answers.length; i++) {
    const e = await channel.send(testNotice(), ctx).then(() => null, (err: unknown) => err);
    if (e !== null) t.type(e, TransportError);
    outcomes.push(e instanceof TransportError ? [e.message, e.permanent, e.retryAfter] : 'ok');
  }
  t.same(outcomes, [
    'ok',
    ['Received status code 400 with a message: "Stream \'nope\' does not exist"', true, null],
    ['Received status code 400 with a message: "Invalid email \'x@example.org\'"', true, null],
    ['Received status code 401 with a message: "Invalid API key"', true, null],
    ['Received status code 403 with a message: "Account is deactivated"', true, null],
    ['Received status code 404', true, null],
    ['Received status code 429 with a message: "API usage exceeded rate limit"', false, 3],
    ['Received status code 429 with a message: "API usage exceeded rate limit"', false, 9],
    ['Received status code 502', false, null],
  ]);
  const first = receiver.requests[0];
  t.same([first?.method, first?.url, first?.headers.authorization], ['POST', '/api/v1/messages', `Basic ${Buffer.from(`${BOT.bot_email}:${BOT.api_key}`).toString('base64')}`]);
  t.same(form(first?.body).map(([k]) => k), ['type', 'to', 'topic', 'content']);
});

t.test('ZULIP_ENABLED=false refuses to send', async (t) => {
  await t.rejects(zulip.open(config()).send(testNotice(), testSendContext(t, { ZULIP_ENABLED: 'false' })), { message: 'Zulip notifications are not enabled.', permanent: false });
});
