import t from 'tap';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { msteamsw } from './index.ts';
import { msTeamsPayload, msTeamsRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const url = 'https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc';
const check = summaryFacts().check;
type Card = { body: Array<Record<string, unknown>> };
const card = (notice: ReturnType<typeof testNotice>) => (msTeamsPayload(notice, site).attachments as Array<{ content: Card }>)[0]!.content;

t.test('a down notice is an Adaptive Card 1.2: heading, facts, the body as code, a link', async (t) => {
  const request = msTeamsRequest({ url }, testNotice(), site);
  t.same([request.method, request.url, request.headers], ['POST', url, { 'Content-Type': 'application/json' }]);
  t.same(JSON.parse(String(request.body)), {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          fallbackText: '“Backups” is DOWN.',
          version: '1.2',
          body: [
            { type: 'TextBlock', text: '🔴 “Backups” is DOWN (success signal did not arrive on time, grace time passed).', weight: 'bolder', size: 'medium', wrap: true, style: 'heading' },
            {
              type: 'FactSet',
              facts: [
                { title: 'Description:', value: 'Nightly database backup' },
                { title: 'Project:', value: 'Infra' },
                { title: 'Tags:', value: 'prod db' },
                { title: 'Period:', value: '1 hour' },
                { title: 'Total Pings:', value: '42' },
                { title: 'Last Ping:', value: 'Success, 2 hours ago' },
              ],
            },
            { type: 'TextBlock', text: 'Last Ping Body:', weight: 'bolder' },
            { type: 'CodeBlock', codeSnippet: 'backup done: 12 GB', language: 'PlainText' },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'View in Cronwarden', url: 'https://cw.example.org/' }],
        },
      },
    ],
  });
});

t.test('an up notice has a green heading and the downtime below it', async (t) => {
  const notice = testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z'), lastPing: null } });
  const { body } = card(notice);
  t.same(body.slice(0, 2), [
    { type: 'TextBlock', text: '🟢 “Backups” is UP.', weight: 'bolder', size: 'medium', wrap: true, style: 'heading' },
    { type: 'TextBlock', text: 'The downtime lasted 30 minutes.', wrap: true },
  ]);
  t.equal(body.length, 3, 'no body blocks without a ping');
});

t.test('a description\'s lines become paragraphs; a schedule keeps its asterisks; other down checks follow the facts', async (t) => {
  const notice = testNotice({
    facts: { check: { ...check, desc: 'one\ntwo', kind: 'oncalendar', schedule: '*-*-* 03:00', tz: 'Europe/Riga' }, otherDownNames: ['Web'], otherDownCount: 1 },
  });
  const { body } = card(notice);
  t.same(body[1], {
    type: 'FactSet',
    facts: [
      { title: 'Description:', value: 'one\n\ntwo' },
      { title: 'Project:', value: 'Infra' },
      { title: 'Tags:', value: 'prod db' },
      { title: 'Schedule:', value: '\u034f*-\u034f*-\u034f* 03:00' },
      { title: 'Time Zone:', value: 'Europe/Riga' },
      { title: 'Total Pings:', value: '42' },
      { title: 'Last Ping:', value: 'Success, 2 hours ago' },
    ],
  });
  t.same(body[2], { type: 'TextBlock', text: 'The following checks are also down: “Web”', wrap: true });
});

t.test('settings: the workflow URL, validated', async (t) => {
  checkSettingsTable(t, msteamsw, settingsCases(import.meta.url));
});

t.test('200 and 202 are success; nothing is permanent (as in Healthchecks); Retry-After is passed on', async (t) => {
  const answers = [{ status: 202 }, { status: 200 }, { status: 400 }, { status: 404 }, { status: 429, headers: { 'Retry-After': '20' } }];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => answers[i] ?? { status: 202 } });
  const ctx = testSendContext(t);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(msteamsw, { url: `${receiver.url}/workflows/x/triggers/manual/paths/invoke?sig=s` }, ctx));
  t.same(outcomes, ['ok', 'ok', 'Received status code 400', 'Received status code 404', 'Received status code 429 retry 20']);
  t.equal(receiver.requests[0]?.url, '/workflows/x/triggers/manual/paths/invoke?sig=s');
});

t.test('MSTEAMS_ENABLED=false refuses to send', async (t) => {
  t.equal(await sendOutcome(msteamsw, { url }, testSendContext(t, { MSTEAMS_ENABLED: 'false' })), 'MS Teams notifications are not enabled.');
});
