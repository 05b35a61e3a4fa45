import t from 'tap';
import { ConfigError, loadConfig } from '../../config.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertChannel, insertProject } from '../../testing/fixtures.ts';
import { startHttpReceiver, type Responder } from '../../testing/receivers.ts';
import { checkSettingsTable, sendOutcome, settingsCases } from '../chat-testing.ts';
import { createChannelStore, createRateLimiter } from '../stores.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { telegram } from './index.ts';
import { TELEGRAM_TEXT_LIMIT, telegramRequest, telegramText, visibleLength } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', siteName: 'Cronwarden' };
const bot = { apiUrl: 'https://api.telegram.org', token: '123456:AAbb-CC_dd' };
const group = { id: -1001234567890, thread_id: null, type: 'supergroup', name: 'Ops' };
const check = summaryFacts().check;
const upFacts = { status: 'up' as const, reason: '' as const, at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') };
const apiError = (status: number, description: string, parameters?: object) => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) }),
});
const sent = { status: 200, body: '{"ok": true, "result": {"message_id": 1}}' };

/** A receiver playing the Bot API, and a context pointing TELEGRAM_API_URL at it. */
async function botApi(t: Parameters<typeof testSendContext>[0], respond: Responder) {
  const receiver = await startHttpReceiver(t, { respond });
  const ctx = testSendContext(t, { TELEGRAM_TOKEN: bot.token, TELEGRAM_API_URL: receiver.url });
  const chats = () => receiver.requests.map((r) => JSON.parse(r.body).chat_id as number);
  return { receiver, ctx, chats };
}

t.test('a down notice is one sendMessage in HTML, laid out as Healthchecks\' message', async (t) => {
  const request = telegramRequest(group, testNotice(), bot, site);
  t.same([request.method, request.url, request.headers], ['POST', 'https://api.telegram.org/bot123456:AAbb-CC_dd/sendMessage', { 'Content-Type': 'application/json' }]);
  t.same(JSON.parse(String(request.body)), {
    chat_id: -1001234567890,
    text: [
      '🔴 The check <a href="https://cw.example.org/">Backups</a> is <b>DOWN</b> (success signal did not arrive on time, grace time passed).',
      '',
      '<b>Project:</b> Infra',
      '<b>Tags:</b> prod, db',
      '<b>Period:</b> 1 hour',
      '<b>Total Pings:</b> 42',
      '<b>Last Ping:</b> Success, 2 hours ago',
      '<b>Last Ping Body:</b>',
      '<pre>backup done: 12 GB</pre>',
    ].join('\n'),
    parse_mode: 'HTML',
  });
});

t.test('an up notice gives the downtime; a forum topic goes in message_thread_id', async (t) => {
  const request = telegramRequest({ ...group, thread_id: 7 }, testNotice({ facts: { ...upFacts, lastPing: null } }), bot, site);
  const body = JSON.parse(String(request.body));
  t.equal(body.message_thread_id, 7);
  t.equal(
    body.text,
    [
      '🟢 The check <a href="https://cw.example.org/">Backups</a> is now <b>UP</b>.',
      'The downtime lasted 30 minutes.',
      '',
      '<b>Project:</b> Infra',
      '<b>Tags:</b> prod, db',
      '<b>Period:</b> 1 hour',
      '<b>Total Pings:</b> 0',
      '<b>Last Ping:</b> Never',
    ].join('\n'),
  );
});

t.test('a reminder, a cron schedule, other down checks, and HTML in names escaped', async (t) => {
  const notice = testNotice({
    facts: {
      event: 'reminder',
      at: new Date('2026-01-15T12:00:00Z'),
      downSince: new Date('2026-01-15T09:00:00Z'),
      check: { ...check, name: 'a<b> & "c"', tags: '', kind: 'cron', schedule: '0 3 * * *', tz: 'Europe/Riga' },
      project: { code: 'p', name: '' },
      lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode('<error> & exit') },
      otherDownNames: ['DB <dump>'],
      otherDownCount: 1,
    },
  });
  t.equal(
    telegramText(notice.summary, notice.now, site),
    [
      '🔴 The check <a href="https://cw.example.org/">a&lt;b&gt; &amp; &quot;c&quot;</a> is still <b>DOWN</b>.',
      'It has been down for 3 hours.',
      '',
      '<b>Schedule:</b> <code>0 3 * * *</code>',
      '<b>Time Zone:</b> Europe/Riga',
      '<b>Total Pings:</b> 42',
      '<b>Last Ping:</b> Success, 2 hours ago',
      '<b>Last Ping Body:</b>',
      '<pre>&lt;error&gt; &amp; exit</pre>',
      '',
      'The following checks are still down:',
      '- DB &lt;dump&gt;',
    ].join('\n'),
  );
});

t.test('the body is clipped to its last 1000 characters; a text Telegram would refuse drops the body first', async (t) => {
  const withBody = (body: string, tags = 'prod db') =>
    testNotice({ facts: { check: { ...check, tags }, lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode(body) } } });
  const clipped = withBody(`${'a'.repeat(10)}${'<'.repeat(1000)}`);
  t.match(telegramText(clipped.summary, clipped.now, site), `<pre>[…]${'&lt;'.repeat(1000)}</pre>`);
  const crowded = withBody('x'.repeat(1000), Array.from({ length: 400 }, (_, i) => `tag${i}`).join(' '));
  const text = telegramText(crowded.summary, crowded.now, site);
  t.ok(visibleLength(text) <= TELEGRAM_TEXT_LIMIT);
  t.notMatch(text, '<pre>');
  t.match(text, '<b>Tags:</b> tag0, tag1');
});

t.test('settings: a chat id, an optional topic, the chat\'s type and name', async (t) => {
  checkSettingsTable(t, telegram, settingsCases(import.meta.url));
  t.same([telegram.open(group).isNoop('down'), telegram.open(group).isNoop('up')], [false, false]);
});

t.test('TELEGRAM_TOKEN must look like a bot token; TELEGRAM_API_URL must be a URL', async (t) => {
  t.equal(loadConfig({ TELEGRAM_TOKEN: bot.token }).integrations.telegram.token, bot.token);
  t.equal(loadConfig({}).integrations.telegram.apiUrl, 'https://api.telegram.org');
  t.equal(loadConfig({}).integrations.telegram.botName, 'ExampleBot');
  const error = t.throws(() => loadConfig({ TELEGRAM_TOKEN: 'not a token', TELEGRAM_API_URL: 'api.telegram.org' })) as ConfigError;
  t.same(error.problems, [
    'TELEGRAM_API_URL: not a valid URL: "api.telegram.org"',
    'TELEGRAM_TOKEN: not a Telegram bot token (digits, a colon, then letters, digits, "_" or "-")',
  ]);
});

t.test('answers: 200 is sent; a gone chat or a blocked bot is permanent; 429 waits retry_after; a bad bot token is retried', async (t) => {
  const answers = [
    sent,
    apiError(403, 'Forbidden: bot was blocked by the user'),
    apiError(400, 'Bad Request: chat not found'),
    apiError(403, 'Forbidden: bot was kicked from the supergroup chat'),
    apiError(403, 'Forbidden: bot was kicked from the channel chat'),
    apiError(403, 'Forbidden: the group chat was deleted'),
    apiError(403, 'Forbidden: user is deactivated'),
    apiError(400, 'Bad Request: message thread not found'),
    apiError(429, 'Too Many Requests: retry after 5', { retry_after: 5 }),
    apiError(401, 'Unauthorized'),
    apiError(400, 'Bad Request: not enough rights to send text messages to the chat'),
    { status: 502, body: '<html>Bad Gateway</html>' },
  ];
  const { receiver, ctx } = await botApi(t, (_req, i) => answers[i] ?? sent);
  const outcomes: string[] = [];
  for (const _ of answers) outcomes.push(await sendOutcome(telegram, group, ctx));
  t.same(outcomes, [
    'ok',
    'Received status code 403 with a message: "Forbidden: bot was blocked by the user" (permanent)',
    'Received status code 400 with a message: "Bad Request: chat not found" (permanent)',
    'Received status code 403 with a message: "Forbidden: bot was kicked from the supergroup chat" (permanent)',
    'Received status code 403 with a message: "Forbidden: bot was kicked from the channel chat" (permanent)',
    'Received status code 403 with a message: "Forbidden: the group chat was deleted" (permanent)',
    'Received status code 403 with a message: "Forbidden: user is deactivated" (permanent)',
    'Received status code 400 with a message: "Bad Request: message thread not found" (permanent)',
    'Received status code 429 with a message: "Too Many Requests: retry after 5" retry 5',
    'Received status code 401 with a message: "Unauthorized"',
    'Received status code 400 with a message: "Bad Request: not enough rights to send text messages to the chat"',
    'Received status code 502',
  ]);
  t.same([receiver.requests[0]?.method, receiver.requests[0]?.url], ['POST', '/bot123456:AAbb-CC_dd/sendMessage']);
  t.equal(JSON.parse(receiver.requests[0]?.body ?? '').parse_mode, 'HTML');
});

t.test('a group upgraded to a supergroup: the new chat id is stored and the message sent there, in the same attempt', async (t) => {
  const db = await testDatabase(t);
  const project = await insertProject(db.pool);
  const channel = await insertChannel(db.pool, project.id, { kind: 'telegram', config: { id: -123, type: 'group', name: 'Ops', reminder_interval: 3600 } });
  const { ctx, chats } = await botApi(t, (_req, i) => (i === 0 ? apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -100999 }) : sent));
  const stored = async () => (await db.pool.query('select config from channels where id = $1', [channel.id])).rows[0]?.config;
  const before = await stored();
  const outcome = await sendOutcome(telegram, before, { ...ctx, channelStore: createChannelStore(db.pool, channel.id) });
  t.equal(outcome, 'ok');
  t.same(chats(), [-123, -100999]);
  t.same(await stored(), { id: -100999, thread_id: null, type: 'group', name: 'Ops', reminder_interval: 3600 }, 'the reminder setting is kept');
});

t.test('a migration never overwrites settings changed meanwhile, and is still delivered; so without a store, or when storing fails', async (t) => {
  const db = await testDatabase(t);
  const project = await insertProject(db.pool);
  const channel = await insertChannel(db.pool, project.id, { kind: 'telegram', config: { id: -123 } });
  const { ctx, chats } = await botApi(t, (req) => (JSON.parse(req.body).chat_id === -123 ? apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -100999 }) : sent));
  const opened = { id: -123 };
  await db.pool.query(`update channels set config = '{"id": -555}' where id = $1`, [channel.id]);
  t.equal(await sendOutcome(telegram, opened, { ...ctx, channelStore: createChannelStore(db.pool, channel.id) }), 'ok');
  t.same((await db.pool.query('select config from channels where id = $1', [channel.id])).rows[0]?.config, { id: -555 });
  t.equal(await sendOutcome(telegram, opened, ctx), 'ok', 'no channel store: sent, not stored');
  const failing = { replaceConfig: () => Promise.reject(new Error('connection terminated')) };
  t.equal(await sendOutcome(telegram, opened, { ...ctx, channelStore: failing }), 'ok', 'a store that fails: sent all the same');
  t.same(chats(), [-123, -100999, -123, -100999, -123, -100999]);
});

t.test('a chat that moves twice in one attempt is retried, not followed further', async (t) => {
  const moved = (to: number) => apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: to });
  const { chats, ctx } = await botApi(t, (_req, i) => moved(-1000 - i));
  t.equal(await sendOutcome(telegram, group, ctx), 'Received status code 400 with a message: "Bad Request: group chat was upgraded to a supergroup chat" (the chat moved twice)');
  t.same(chats(), [group.id, -1000]);
});

t.test('at most 6 messages a minute per chat, shared through the database; the 7th is retried later', async (t) => {
  const db = await testDatabase(t);
  const { ctx, receiver } = await botApi(t, () => sent);
  const limited = { ...ctx, rateLimiter: createRateLimiter(db.pool) };
  const outcomes: string[] = [];
  for (let i = 0; i < 7; i++) outcomes.push(await sendOutcome(telegram, group, limited));
  t.same(outcomes.slice(0, 6), Array(6).fill('ok'));
  const [, wait] = /^Rate limit exceeded retry (\d+)$/.exec(outcomes[6] ?? '') ?? [];
  t.ok(Number(wait) >= 10 && Number(wait) <= 70, `retry after ${wait} s: the next token (10 s) plus up to a minute of spread`);
  t.equal(receiver.requests.length, 6, 'the refused one never reached Telegram');
  t.equal(await sendOutcome(telegram, { ...group, id: 42 }, limited), 'ok', 'another chat has its own limit');
});

t.test('without TELEGRAM_TOKEN sends fail, and are retried until it is set', async (t) => {
  t.equal(await sendOutcome(telegram, group, testSendContext(t)), 'Telegram notifications are not enabled (TELEGRAM_TOKEN is not set).');
});
