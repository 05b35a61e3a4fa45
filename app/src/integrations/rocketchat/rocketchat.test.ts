import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { rocketchat } from './index.ts';
import { rocketChatRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const url = 'https://chat.example.org/hooks/6f0c2d1e/Zb3kEwQY';
const decoded = (request: { body?: unknown }) => JSON.parse(String(request.body));
const check = summaryFacts().check;

t.test('a down notice: the status as Markdown with a link, the fields in one red attachment', async (t) => {
  const request = rocketChatRequest({ url }, testNotice(), site);
  t.same([request.method, request.url, request.headers], ['POST', url, { 'Content-Type': 'application/json' }]);
  t.same(decoded(request), {
    alias: 'Cronwarden',
    text: '[Backups](https://cw.example.org/) is DOWN (success signal did not arrive on time, grace time passed).',
    attachments: [
      {
        color: '#d9534f',
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

t.test('an up notice is green and gives the downtime on a second line', async (t) => {
  const notice = testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });
  const body = decoded(rocketChatRequest({ url }, notice, site));
  t.equal(body.text, '[Backups](https://cw.example.org/) is UP.\nThe downtime lasted 30 minutes.');
  t.equal(body.attachments[0].color, '#5cb85c');
});

t.test('a reminder says still DOWN and for how long; a failure gives its reason', async (t) => {
  const reminder = testNotice({ facts: { event: 'reminder', at: new Date('2026-01-15T12:00:00Z'), downSince: new Date('2026-01-15T10:00:00Z') } });
  t.equal(decoded(rocketChatRequest({ url }, reminder, site)).text, '[Backups](https://cw.example.org/) is still DOWN.\nIt has been down for 2 hours.');
  t.equal(decoded(rocketChatRequest({ url }, testNotice({ facts: { reason: 'fail' } }), site)).text, '[Backups](https://cw.example.org/) is DOWN (received a failure signal).');
});

t.test('the name is not HTML-escaped; Markdown characters in it, and a schedule\'s asterisks, get a backslash', async (t) => {
  const notice = testNotice({ facts: { check: { ...check, name: 'Foo & [Bar]_*', kind: 'cron', schedule: '0 * * * *', tz: 'UTC' } } });
  const body = decoded(rocketChatRequest({ url }, notice, site));
  t.match(body.text, /^\[Foo & \\\[Bar\\\]\\_\\\*\]\(https:\/\/cw\.example\.org\/\) is DOWN/);
  t.same(body.attachments[0].fields.find((f: { title: string }) => f.title === 'Schedule'), { title: 'Schedule', value: '0 \\* \\* \\* \\*', short: true });
});

t.test('settings: the webhook URL, validated', async (t) => {
  checkSettingsTable(t, rocketchat, settingsCases(import.meta.url));
});

t.test('2xx is success; a 404 keeps the channel enabled (as in Healthchecks), everything is retried', async (t) => {
  const answers = [{ status: 200 }, { status: 404 }, { status: 502 }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(rocketchat, { url: `${receiver.url}/hooks/a/b` }, ctx));
  t.same(outcomes, ['ok', 'Received status code 404', 'Received status code 502']);
  t.equal(decoded(receiver.requests[0] ?? {}).alias, 'Cronwarden');
});

t.test('ROCKETCHAT_ENABLED=false refuses to send', async (t) => {
  t.equal(await sendOutcome(rocketchat, { url }, testSendContext(t, { ROCKETCHAT_ENABLED: 'false' })), 'Rocket.Chat notifications are not enabled.');
});
