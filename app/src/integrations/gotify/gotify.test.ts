import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import type { GotifyConfig } from './config.ts';
import { gotify } from './index.ts';
import { gotifyRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const config: GotifyConfig = { url: 'https://gotify.example.org', token: 'AbCdEf123456789', priority: 8, priority_up: 2 };
const decoded = (request: { body?: unknown }) => JSON.parse(String(request.body));

t.test('a down notice: POST <url>/message with the app token in X-Gotify-Key, Markdown and the priority', async (t) => {
  const request = gotifyRequest(config, testNotice(), site);
  t.same([request.method, request.url, request.headers], [
    'POST',
    'https://gotify.example.org/message',
    { 'Content-Type': 'application/json', 'X-Gotify-Key': 'AbCdEf123456789' },
  ]);
  t.same(decoded(request), {
    title: 'Backups is DOWN',
    message: [
      '🔴 The check [Backups](https://cw.example.org/) is **DOWN** (success signal did not arrive on time, grace time passed).',
      '',
      '**Project:** Infra',
      '**Tags:** prod, db',
      '**Period:** 1 hour',
      '**Total Pings:** 42',
      '**Last Ping:** Success, 2 hours ago',
    ].join('\n'),
    priority: 8,
    extras: { 'client::display': { contentType: 'text/markdown' } },
  });
});

t.test('an up notice: its priority, the downtime, other checks still down', async (t) => {
  const notice = testNotice({
    facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z'), otherDownNames: ['Web_1'], otherDownCount: 1, check: { ...summaryFacts().check, name: '[x]' } },
  });
  const body = decoded(gotifyRequest(config, notice, site));
  t.equal(body.priority, 2);
  t.equal(body.title, '[x] is UP');
  t.same(body.message.split('\n'), [
    '🟢 The check [\\[x\\]](https://cw.example.org/) is now **UP**.',
    '',
    'The downtime lasted 30 minutes.',
    '',
    '**Project:** Infra',
    '**Tags:** prod, db',
    '**Period:** 1 hour',
    '**Total Pings:** 42',
    '**Last Ping:** Success, 2 hours ago',
    '',
    'The following checks are still down:',
    '- Web\\_1',
  ]);
});

t.test('a null priority is left to the application\'s default; a server under a path keeps it', async (t) => {
  const request = gotifyRequest({ ...config, url: 'https://example.org/gotify', priority: null }, testNotice(), site);
  t.equal(request.url, 'https://example.org/gotify/message');
  t.notOk('priority' in decoded(request));
});

t.test('settings, and priority 0 makes its direction a no-op', async (t) => {
  checkSettingsTable(t, gotify, settingsCases(import.meta.url));
  const channel = gotify.open({ ...config, priority: 0 });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [true, false]);
  t.same(gotify.open({ ...config, priority: null }).isNoop('down'), false);
});

t.test('a send: 200 is success; 401 and 403 (a revoked or wrong token) are permanent; the rest retried', async (t) => {
  const answers = [{ status: 200 }, { status: 401 }, { status: 403 }, { status: 404 }, { status: 503, headers: { 'Retry-After': '60' } }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(gotify, { url: `${receiver.url}/gotify/`, token: 'AbCdEf123456789' }, ctx));
  t.same(outcomes, ['ok', 'Received status code 401 (permanent)', 'Received status code 403 (permanent)', 'Received status code 404', 'Received status code 503 retry 60']);
  t.same([receiver.requests[0]?.url, receiver.requests[0]?.headers['x-gotify-key']], ['/gotify/message', 'AbCdEf123456789']);
});
