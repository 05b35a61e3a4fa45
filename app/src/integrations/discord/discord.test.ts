import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { discord } from './index.ts';
import { discordRequest, slackEndpoint } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const url = 'https://discord.com/api/webhooks/1234567890/AbC-dEf_123';
const decoded = (request: { body?: unknown }) => JSON.parse(String(request.body));

t.test('a down notice is Slack\'s payload, posted to the webhook\'s /slack endpoint', async (t) => {
  const request = discordRequest({ url }, testNotice(), site);
  t.same([request.method, request.url, request.headers], ['POST', `${url}/slack`, { 'Content-Type': 'application/json' }]);
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

t.test('an up notice is green; a schedule\'s asterisks are escaped with a backslash', async (t) => {
  const notice = testNotice({
    facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z'), check: { ...summaryFacts().check, kind: 'cron', schedule: '*/10 * * * *', tz: 'UTC' } },
  });
  const [attachment] = decoded(discordRequest({ url }, notice, site)).attachments;
  t.match(attachment, { color: 'good', title: '“Backups” is UP.', text: 'The downtime lasted 30 minutes.' });
  t.same(attachment.fields.find((f: { title: string }) => f.title === 'Schedule'), { title: 'Schedule', value: '\\*/10 \\* \\* \\* \\*', short: true });
});

t.test('the /slack endpoint keeps a thread given in the query', async (t) => {
  t.equal(slackEndpoint(`${url}?thread_id=42`), `${url}/slack?thread_id=42`);
});

t.test('settings: a webhook URL or Healthchecks\' OAuth answer; discordapp.com becomes discord.com', async (t) => {
  checkSettingsTable(t, discord, settingsCases(import.meta.url));
});

t.test('2xx is success; 404 (a deleted webhook) is permanent; 429 waits as Discord says', async (t) => {
  const answers = [{ status: 200, body: 'ok' }, { status: 204 }, { status: 429, headers: { 'Retry-After': '3' } }, { status: 500 }, { status: 404, body: '{"message": "Unknown Webhook", "code": 10015}' }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(discord, { url: `${receiver.url}/api/webhooks/1/tok` }, ctx));
  t.same(outcomes, ['ok', 'ok', 'Received status code 429 retry 3', 'Received status code 500', 'Received status code 404 (permanent)']);
  t.same(receiver.requests.map((r) => r.url), Array(5).fill('/api/webhooks/1/tok/slack'));
});

t.test('DISCORD_ENABLED=false refuses to send', async (t) => {
  t.equal(await sendOutcome(discord, { url }, testSendContext(t, { DISCORD_ENABLED: 'false' })), 'Discord notifications are not enabled.');
});
