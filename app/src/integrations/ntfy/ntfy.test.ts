import t from 'tap';
import { testDatabase } from '../../testing/db.ts';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { createRateLimiter } from '../stores.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import type { NtfyConfig } from './config.ts';
import { ntfy, permanentStatuses } from './index.ts';
import { ntfyRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const config: NtfyConfig = { url: 'https://ntfy.sh', topic: 'cw-alerts', priority: 5, priority_up: 3, token: '' };
const check = summaryFacts().check;
const decoded = (request: { body?: unknown }) => JSON.parse(String(request.body));

t.test('a down notice is a JSON publish to the server root: topic, priority, title, Markdown, a red tag, a view action', async (t) => {
  const request = ntfyRequest(config, testNotice(), site, null);
  t.same([request.method, request.url, request.headers], ['POST', 'https://ntfy.sh/', { 'Content-Type': 'application/json' }]);
  t.same(decoded(request), {
    topic: 'cw-alerts',
    priority: 5,
    title: 'Backups is DOWN',
    message: [
      'Reason: success signal did not arrive on time, grace time passed.',
      '',
      '**Project:** Infra',
      '**Tags:** prod, db',
      '**Period:** 1 hour',
      '**Total Pings:** 42',
      '**Last Ping:** Success, 2 hours ago',
    ].join('\n'),
    markdown: true,
    tags: ['red_circle'],
    actions: [{ action: 'view', label: 'View on Cronwarden', url: 'https://cw.example.org/' }],
  });
});

t.test('an up notice has its own priority, a green tag and the downtime', async (t) => {
  const notice = testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });
  const body = decoded(ntfyRequest(config, notice, site, null));
  t.match(body, { priority: 3, title: 'Backups is UP', tags: ['green_circle'] });
  t.match(body.message, /^The downtime lasted 30 minutes\.\n\n\*\*Project:\*\* Infra\n/);
});

t.test('Markdown in names is escaped; a schedule is code; other down checks are listed', async (t) => {
  const notice = testNotice({
    facts: {
      check: { ...check, kind: 'cron', schedule: '*/5 * * * *', tz: 'UTC', tags: 'a_b' },
      project: { code: 'p', name: 'Infra *prod*' },
      otherDownNames: ['DB_dump', 'Web'],
      otherDownCount: 2,
    },
  });
  t.same(decoded(ntfyRequest(config, notice, site, null)).message.split('\n').slice(2), [
    '**Project:** Infra \\*prod\\*',
    '**Tags:** a\\_b',
    '**Schedule:** `*/5 * * * *`',
    '**Time Zone:** UTC',
    '**Total Pings:** 42',
    '**Last Ping:** Success, 2 hours ago',
    '',
    'The following checks are also down:',
    '• **DB\\_dump**',
    '• **Web**',
  ]);
});

t.test('the token: the channel\'s own, else NTFY_SH_TOKEN for ntfy.sh only', async (t) => {
  const auth = (c: NtfyConfig, shToken: string | null) => ntfyRequest(c, testNotice(), site, shToken).headers?.Authorization;
  t.equal(auth(config, 'tk_operator'), 'Bearer tk_operator');
  t.equal(auth({ ...config, token: 'tk_own' }, 'tk_operator'), 'Bearer tk_own');
  t.equal(auth({ ...config, url: 'https://ntfy.example.org' }, 'tk_operator'), undefined);
  t.equal(ntfyRequest({ ...config, url: 'https://example.org/ntfy' }, testNotice(), site, null).url, 'https://example.org/ntfy/');
});

t.test('401 and 403 are permanent, unless the token sent was the operator\'s', async (t) => {
  t.same(permanentStatuses(config, null), [401, 403], 'no token: the topic is reserved or the server wants a login');
  t.same(permanentStatuses({ ...config, token: 'tk_own' }, 'tk_operator'), [401, 403]);
  t.same(permanentStatuses(config, 'tk_operator'), []);
});

t.test('settings, and priority 0 makes its direction a no-op', async (t) => {
  checkSettingsTable(t, ntfy, settingsCases(import.meta.url));
  const channel = ntfy.open({ topic: 't', priority_up: 0 });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [false, true]);
});

t.test('a send: 200 is success, 401 with the channel\'s token permanent, 429 and 5xx retried', async (t) => {
  const answers = [{ status: 200, body: '{"id":"x"}' }, { status: 429, headers: { 'Retry-After': '9' } }, { status: 500 }, { status: 401, body: '{"code":40101,"http":401,"error":"unauthorized"}' }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t, { NTFY_SH_TOKEN: 'tk_operator' });
  const own = { url: receiver.url, topic: 'cw-alerts', token: 'tk_own' };
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(ntfy, own, ctx));
  t.same(outcomes, ['ok', 'Received status code 429 retry 9', 'Received status code 500', 'Received status code 401 (permanent)']);
  t.same([receiver.requests[0]?.url, receiver.requests[0]?.headers.authorization, decoded(receiver.requests[0] ?? {}).topic], ['/', 'Bearer tk_own', 'cw-alerts']);
});

t.test('at most 6 messages a minute per server and topic, through the database', async (t) => {
  const db = await testDatabase(t);
  const receiver = await startHttpReceiver(t);
  const ctx = { ...testSendContext(t), rateLimiter: createRateLimiter(db.pool) };
  const outcomes: string[] = [];
  for (let i = 0; i < 7; i++) outcomes.push(await sendOutcome(ntfy, { url: receiver.url, topic: 'a' }, ctx));
  t.same(outcomes.slice(0, 6), Array(6).fill('ok'));
  t.match(outcomes[6], /^Rate limit exceeded retry (1\d|[2-6]\d|70)$/);
  t.equal(await sendOutcome(ntfy, { url: receiver.url, topic: 'b' }, ctx), 'ok', 'another topic has its own limit');
  t.equal(receiver.requests.length, 7);
});
