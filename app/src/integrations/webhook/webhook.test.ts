import t from 'tap';
import { buildSummary } from '../../core/summary.ts';
import { startHttpReceiver } from '../../testing/receivers.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { ChannelConfigError, TransportError } from '../types.ts';
import { parseWebhookConfig, specFor } from './config.ts';
import { webhook } from './index.ts';
import { checkJson, webhookRequest } from './message.ts';

const site = { siteRoot: 'https://cw.example.org', pingEndpoint: 'https://cw.example.org/ping/' };
const spec = (fields: Record<string, unknown>) => specFor(parseWebhookConfig(fields), 'down');

t.test('placeholders are replaced once: quoted in the URL, raw in the body, latin-1-safe in headers', async (t) => {
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, name: 'Bäckups $TAG1', tags: 'prod db' } } });
  const request = webhookRequest(
    spec({
      method_down: 'POST',
      url_down: 'https://hooks.example.org/$CODE/$SLUG/$STATUS/$TAG1/$TAG2?name=$NAME&at=$NOW&x=$$NAME',
      body_down: '{"name": $NAME_JSON, "status": "$STATUS", "exit": $EXITSTATUS, "body": $BODY_JSON, "tags": "$TAGS"}',
      headers_down: { 'X-Check': '$NAME is $STATUS', Authorization: 'Bearer s3cret' },
    }),
    notice,
    site,
  );
  t.same(request, {
    method: 'POST',
    url: 'https://hooks.example.org/6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90/backups/down/prod/db?name=B%C3%A4ckups%20%24TAG1&at=2026-01-15T11%3A10%3A00%2B00%3A00&x=$B%C3%A4ckups%20%24TAG1',
    headers: { 'Idempotency-Key': notice.code, 'X-Check': 'Bäckups $TAG1 is down', Authorization: 'Bearer s3cret' },
    body: '{"name": "Bäckups $TAG1", "status": "down", "exit": 0, "body": "backup done: 12 GB", "tags": "prod db"}',
  });
});

t.test('characters outside latin-1 become character references in headers', async (t) => {
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, name: 'bār ✓' } } });
  const request = webhookRequest(spec({ url_down: 'https://x.example.org/', headers_down: { 'X-Name': '$NAME' } }), notice, site);
  t.equal(request.headers?.['X-Name'], 'b&#257;r &#10003;');
});

t.test('$TAG10 is the tenth tag, not the first followed by 0', async (t) => {
  const tags = Array.from({ length: 10 }, (_, i) => `t${i + 1}`).join(' ');
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, tags } } });
  t.equal(webhookRequest(spec({ url_down: 'https://x.example.org/$TAG10/$TAG1/$TAG2' }), notice, site).url, 'https://x.example.org/t10/t1/t2');
});

t.test('GET sends no body; a missing last ping gives exit status -1 and an empty $BODY', async (t) => {
  const notice = testNotice({ facts: { lastPing: null } });
  const get = webhookRequest(spec({ url_down: 'https://x.example.org/?e=$EXITSTATUS', body_down: 'ignored' }), notice, site);
  t.same([get.url, get.body], ['https://x.example.org/?e=-1', null]);
  const put = webhookRequest(spec({ method_down: 'PUT', url_down: 'https://x.example.org/', body_down: '[$BODY]' }), notice, site);
  t.same([put.method, put.body], ['PUT', '[]']);
});

t.test('$JSON is the check as API v3 shows it to a read-write key', async (t) => {
  const summary = buildSummary(summaryFacts());
  t.same(Object.keys(checkJson(summary, site)), [
    'name', 'slug', 'tags', 'desc', 'grace', 'n_pings', 'status', 'started', 'last_ping', 'next_ping', 'manual_resume',
    'methods', 'subject', 'subject_fail', 'start_kw', 'success_kw', 'failure_kw', 'filter_subject', 'filter_body',
    'filter_http_body', 'filter_default_fail', 'badge_url', 'last_duration', 'uuid', 'ping_url', 'update_url',
    'pause_url', 'resume_url', 'channels', 'timeout',
  ]);
  t.match(checkJson(summary, site), {
    last_ping: '2026-01-15T10:00:00+00:00',
    badge_url: 'https://cw.example.org/b/2/0c2d7a38-6e41-4f0e-8d2b-5a6b7c8d9e0f.svg',
    ping_url: 'https://cw.example.org/ping/6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90',
    channels: 'a1f5c0de-0000-4000-8000-000000000001,b1f5c0de-0000-4000-8000-000000000002',
    timeout: 3600,
  });
  const cron = buildSummary(summaryFacts({ check: { ...summaryFacts().check, kind: 'cron', schedule: '0 3 * * *', tz: 'Europe/Riga' } }));
  t.match(checkJson(cron, site), { schedule: '0 3 * * *', tz: 'Europe/Riga' });
  t.notOk('timeout' in checkJson(cron, site));
});

t.test('settings are validated field by field and normalised', async (t) => {
  t.same(parseWebhookConfig({ url_up: 'https://x.example.org/up', method_up: 'post', ignored: 1 }), {
    method_down: 'GET', url_down: '', body_down: '', headers_down: {},
    method_up: 'POST', url_up: 'https://x.example.org/up', body_up: '', headers_up: {},
  });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^url_down or url_up must be set$/],
    [{ url_down: 'ftp://x.example.org/' }, /^url_down must start with http/],
    [{ url_down: 'not a url' }, /^url_down is not a valid URL$/],
    [{ url_down: 'https://x.example.org/', method_down: 'DELETE' }, /^method_down must be one of GET, POST, PUT$/],
    [{ url_down: 'https://x.example.org/', body_down: 'x'.repeat(10_001) }, /^body_down is too long/],
    [{ url_down: 'https://x.example.org/', headers_down: { 'Bad Name': 'v' } }, /^headers_down: invalid header name/],
    [{ url_down: 'https://x.example.org/', headers_down: { 'X-A': 'one\r\nX-B: two' } }, /^headers_down: the value of X-A must be one line$/],
    [{ url_down: 'https://x.example.org/', headers_down: ['X-A: v'] }, /^headers_down must be an object/],
    [{ url_down: 'https://x.example.org/', reminder_interval: 30 }, /^reminder_interval must be 0 \(no reminders\) or from 300/],
  ];
  for (const [raw, message] of cases) t.throws(() => webhook.parseConfig(raw), message, JSON.stringify(raw).slice(0, 60));
  t.throws(() => webhook.parseConfig('https://x.example.org/'), ChannelConfigError);
});

t.test('parsing the stored settings again gives the same settings', async (t) => {
  const once = webhook.parseConfig({ url_down: 'https://x.example.org/', headers_down: { 'X-A': ' v ' }, reminder_interval: 3600 });
  t.same(webhook.parseConfig(once), once);
  t.equal(webhook.open(once).reminderInterval, 3600);
});

t.test('an empty URL makes its direction a no-op', async (t) => {
  const channel = webhook.open({ url_up: 'https://x.example.org/up' });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [true, false]);
});

t.test('a 2xx answer is success; 5xx is retryable; 404 and 410 are permanent', async (t) => {
  const statuses = [200, 201, 202, 204, 500, 404, 410, 302];
  const receiver = await startHttpReceiver(t, { respond: (_req, i) => ({ status: statuses[i] ?? 200, headers: statuses[i] === 500 ? { 'Retry-After': '30' } : undefined }) });
  const ctx = testSendContext(t);
  const channel = webhook.open({ method_down: 'POST', url_down: `${receiver.url}/hook?s=$STATUS`, body_down: '$NAME' });
  const results: string[] = [];
  for (const status of statuses) {
    try {
      await channel.send(testNotice(), ctx);
      results.push(`${status}: ok`);
    } catch (error) {
      t.type(error, TransportError);
      const e = error as TransportError;
      results.push(`${status}: ${e.message}${e.permanent ? ' (permanent)' : ''}${e.retryAfter === null ? '' : ` retry ${e.retryAfter}`}`);
    }
  }
  t.same(results, [
    '200: ok',
    '201: ok',
    '202: ok',
    '204: ok',
    '500: Received status code 500 retry 30',
    '404: Received status code 404 (permanent)',
    '410: Received status code 410 (permanent)',
    '302: Received status code 302',
  ]);
  const first = receiver.requests[0];
  t.same([first?.method, first?.url, first?.body, first?.headers['idempotency-key'], first?.headers['user-agent']], ['POST', '/hook?s=down', 'Backups', testNotice().code, 'Cronwarden']);
});

t.test('an unreachable target is a retryable "Connection failed"', async (t) => {
  const receiver = await startHttpReceiver(t);
  await receiver.close();
  const channel = webhook.open({ url_down: `${receiver.url}/gone` });
  await t.rejects(channel.send(testNotice(), testSendContext(t)), { message: 'Connection failed', permanent: false });
});

t.test('WEBHOOKS_ENABLED=false refuses to send', async (t) => {
  const channel = webhook.open({ url_down: 'https://x.example.org/' });
  await t.rejects(channel.send(testNotice(), testSendContext(t, { WEBHOOKS_ENABLED: 'false' })), { message: 'Webhook notifications are not enabled.' });
});
