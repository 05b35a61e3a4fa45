import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { slack } from './index.ts';
import { DISCORD, MATTERMOST, SLACK, slackFields, slackPayload } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const check = summaryFacts().check;
const upFacts = { status: 'up' as const, reason: '' as const, at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') };

t.test('a down notice is an attachment with the reason and Healthchecks\' fields', async (t) => {
  t.same(slackPayload(testNotice(), site, SLACK), {
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

t.test('an up notice is green and says how long the downtime lasted', async (t) => {
  const [attachment] = slackPayload(testNotice({ facts: upFacts }), site, SLACK).attachments;
  t.match(attachment, { color: 'good', fallback: 'The check "Backups" is UP.', title: '“Backups” is UP.', text: 'The downtime lasted 30 minutes.' });
});

t.test('a reminder says the check is still down and for how long', async (t) => {
  const notice = testNotice({ facts: { event: 'reminder', at: new Date('2026-01-15T12:00:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });
  const [attachment] = slackPayload(notice, site, SLACK).attachments;
  t.match(attachment, { color: 'danger', fallback: 'The check "Backups" is still DOWN.', title: '“Backups” is still DOWN.', text: 'It has been down for 50 minutes.' });
});

t.test('a flip without a known reason has no text', async (t) => {
  const [attachment] = slackPayload(testNotice({ facts: { reason: '' } }), site, SLACK).attachments;
  t.notOk(attachment && 'text' in attachment);
});

t.test('a cron check shows its schedule, asterisks kept from emphasis in each service\'s way, and its zone', async (t) => {
  const notice = testNotice({ facts: { check: { ...check, kind: 'cron', schedule: '*/5 * * * *', tz: 'Europe/Riga' } } });
  const pick = (flavour: typeof SLACK) => slackFields(notice.summary, notice.now, flavour).filter((f) => f.title === 'Schedule' || f.title === 'Time Zone');
  t.same(pick(SLACK), [
    { title: 'Schedule', value: '\u034f*/5 \u034f* \u034f* \u034f* \u034f*', short: true },
    { title: 'Time Zone', value: 'Europe/Riga', short: true },
  ]);
  t.same(pick(MATTERMOST), pick(SLACK));
  t.equal(pick(DISCORD)[0]?.value, '\\*/5 \\* \\* \\* \\*');
});

t.test('Slack\'s control characters in a name are escaped, so "<!channel>" mentions nobody', async (t) => {
  const notice = testNotice({ facts: { check: { ...check, name: '<!channel> & co', desc: '' } } });
  const [attachment] = slackPayload(notice, site, SLACK).attachments;
  t.equal(attachment?.title, '“&lt;!channel&gt; &amp; co” is DOWN.');
  t.equal(attachment?.fallback, 'The check "&lt;!channel&gt; &amp; co" is DOWN.');
  t.equal(slackPayload(notice, site, MATTERMOST).attachments[0]?.title, '“<!channel> & co” is DOWN.', 'Mattermost reads the text as is');
});

t.test('the body is the end of the last ping\'s, 1000 characters; one with a code fence of its own is left out', async (t) => {
  const long = `${'a'.repeat(500)}${'b'.repeat(1000)}`;
  const lastPing = (body: string) => ({ ...summaryFacts().lastPing!, body: new TextEncoder().encode(body) });
  const bodyField = (body: string) => {
    const notice = testNotice({ facts: { lastPing: lastPing(body) } });
    return slackFields(notice.summary, notice.now, SLACK).find((f) => f.title === 'Last Ping Body')?.value;
  };
  t.equal(bodyField(long), `\`\`\`\n[…]${'b'.repeat(1000)}\n\`\`\``);
  t.equal(bodyField('before\n```\nafter'), undefined);
});

t.test('without pings the fields say 0 and Never; unnamed checks go by their UUID', async (t) => {
  const notice = testNotice({ facts: { lastPing: null, check: { ...check, name: '', tags: '', desc: '' }, project: { code: 'p', name: '' } } });
  const [attachment] = slackPayload(notice, site, SLACK).attachments;
  t.equal(attachment?.title, `“${check.code}” is DOWN.`);
  t.same(attachment?.fields, [
    { title: 'Period', value: '1 hour', short: true },
    { title: 'Total Pings', value: '0', short: true },
    { title: 'Last Ping', value: 'Never', short: true },
  ]);
});

t.test('other checks that are down are listed by name, or counted beyond ten', async (t) => {
  const field = (names: string[], count: number) => {
    const notice = testNotice({ facts: { otherDownNames: names, otherDownCount: count } });
    return slackFields(notice.summary, notice.now, SLACK).at(-1);
  };
  t.same(field(['DB dump', 'Web'], 2), { title: 'Other Checks', value: 'The following checks are also down: “DB dump”, “Web”' });
  t.same(field(Array.from({ length: 10 }, (_, i) => `c${i}`), 12), { title: 'Other Checks', value: '12 other checks are also down.' });
});

t.test('settings: a URL, or Healthchecks\' OAuth answer, validated field by field', async (t) => {
  checkSettingsTable(t, slack, settingsCases(import.meta.url));
  t.same([slack.open({ url: 'https://hooks.slack.com/x' }).isNoop('down'), slack.open({ url: 'https://hooks.slack.com/x' }).isNoop('up')], [false, false]);
});

t.test('a send posts the payload as JSON; 2xx is success, 404 and invalid_token are permanent, the rest retried', async (t) => {
  const answers = [
    { status: 200, body: 'ok' },
    { status: 500 },
    { status: 429, headers: { 'Retry-After': '7' } },
    { status: 404, body: 'no_service' },
    { status: 400, body: 'invalid_token' },
    { status: 403, body: 'invalid_token' },
    { status: 400, body: 'invalid_payload' },
    { status: 403, body: 'action_prohibited' },
    { status: 410, body: 'channel_is_archived' },
  ];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 200 } });
  const ctx = testSendContext(t);
  const config = { url: `${receiver.url}/services/T0/B0/xyz` };
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(slack, config, ctx));
  t.same(outcomes, [
    'ok',
    'Received status code 500',
    'Received status code 429 retry 7',
    'Received status code 404 (permanent)',
    'Received status code 400 (permanent)',
    'Received status code 403 (permanent)',
    'Received status code 400',
    'Received status code 403',
    'Received status code 410',
  ]);
  const first = receiver.requests[0];
  t.same([first?.method, first?.url, first?.headers['content-type']], ['POST', '/services/T0/B0/xyz', 'application/json']);
  t.same(JSON.parse(first?.body ?? ''), slackPayload(testNotice(), { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' }, SLACK));
});

t.test('an unreachable webhook is a retryable "Connection failed"', async (t) => {
  const receiver = await startHttpReceiver(t);
  await receiver.close();
  t.equal(await sendOutcome(slack, { url: `${receiver.url}/x` }, testSendContext(t)), 'Connection failed');
});

t.test('SLACK_ENABLED=false refuses to send, and is retried', async (t) => {
  const receiver = await startHttpReceiver(t);
  t.equal(await sendOutcome(slack, { url: `${receiver.url}/x` }, testSendContext(t, { SLACK_ENABLED: 'false' })), 'Slack notifications are not enabled.');
  t.equal(receiver.requests.length, 0);
});
