import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { mattermost } from './index.ts';
import { mattermostRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const url = 'https://chat.example.org/hooks/xqcb8rme5jrzfnkumd8qjkzbbr';
const decoded = (request: { body?: unknown }) => JSON.parse(String(request.body));

t.test('a down notice is Slack\'s payload, posted as JSON to the webhook', async (t) => {
  const request = mattermostRequest({ url }, testNotice(), site);
  t.same([request.method, request.url, request.headers], ['POST', url, { 'Content-Type': 'application/json' }]);
  t.same(decoded(request), {
    username: 'Cronwarden',
    attachments: [
      {
        color: 'danger',
        fallback: 'The check "Backups" is DOWN.',
        mrkdwn_in: ['fields'],
        title: '“Backups” is DOWN.',
        title_link: 'https://cw.example.org/',
        text: 'Reason: success signal did not arrive on time, grace time passed.',
        fields: [
          { title: 'Description', value: 'Nightly database backup' },
          { title: 'Project', value: 'Infra', short: true },
          { title: 'Tags', value: '`prod` `db`', short: true },
          { title: 'Period', value: '1 hour', short: true },
          { title: 'Total Pings', value: '42', short: true },
          { title: 'Last Ping', value: 'Success, 2 hours ago', short: true },
          { title: 'Last Ping Body', value: '```\nbackup done: 12 GB\n```' },
        ],
      },
    ],
  });
});

t.test('an up notice is green with the downtime; names are sent as written (no Slack escaping)', async (t) => {
  const notice = testNotice({
    facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z'), check: { ...summaryFacts().check, name: 'A & <B>' } },
  });
  t.match(decoded(mattermostRequest({ url }, notice, site)).attachments[0], { color: 'good', title: '“A & <B>” is UP.', text: 'The downtime lasted 30 minutes.' });
});

t.test('settings: the webhook URL, validated', async (t) => {
  checkSettingsTable(t, mattermost, settingsCases(import.meta.url));
  t.equal(mattermost.open({ url }).isNoop('up'), false);
});

t.test('2xx is success; nothing is permanent, 404 included (as in Healthchecks); Retry-After is passed on', async (t) => {
  const answers = [{ status: 200 }, { status: 404 }, { status: 500 }, { status: 429, headers: { 'Retry-After': '12' } }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(mattermost, { url: `${receiver.url}/hooks/abc` }, ctx));
  t.same(outcomes, ['ok', 'Received status code 404', 'Received status code 500', 'Received status code 429 retry 12']);
  t.same([receiver.requests[0]?.url, decoded(receiver.requests[0] ?? {}).username], ['/hooks/abc', 'Cronwarden']);
});

t.test('MATTERMOST_ENABLED=false refuses to send', async (t) => {
  t.equal(await sendOutcome(mattermost, { url }, testSendContext(t, { MATTERMOST_ENABLED: 'false' })), 'Mattermost notifications are not enabled.');
});
