import t from 'tap';
import { alertEmail } from '../../integrations/email/message.ts';
import { testNotice } from '../../integrations/testing.ts';
import { insertChannel, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';

async function emailChannel(t: Parameters<typeof startTestServer>[0]) {
  const server = await startTestServer(t);
  const project = await insertProject(server.pool);
  const channel = await insertChannel(server.pool, project.id, { kind: 'email', config: { address: 'ops@example.org' } });
  const { rows } = await server.pool.query('select unsubscribe_key from channels where id = $1', [channel.id]);
  const key: string = rows[0].unsubscribe_key;
  const link = (sentAt: Date) => `${server.url}/integrations/${channel.code}/unsub/${key}/?t=${Math.floor(sentAt.getTime() / 1000)}`;
  return { server, channel, key, link };
}

t.test('a link opened soon after sending shows a button and changes nothing', async (t) => {
  const { server, link } = await emailChannel(t);
  const res = await fetch(link(server.clock.now));
  t.equal(res.status, 200);
  t.equal(res.headers.get('referrer-policy'), 'no-referrer');
  const html = await res.text();
  t.match(html, '<form id="form" method="post"><button type="submit">Unsubscribe</button></form>');
  t.notMatch(html, '<script');
  const { rows } = await server.pool.query('select disabled from channels');
  t.same(rows, [{ disabled: false }]);
});

t.test('a link opened more than 5 minutes after sending submits itself', async (t) => {
  const { server, link } = await emailChannel(t);
  const res = await fetch(link(new Date(server.clock.now.getTime() - 301_000)));
  const html = await res.text();
  const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
  t.ok(nonce);
  t.match(html, `<script nonce="${nonce}">document.getElementById("form").submit();</script>`);
});

t.test('the one-click POST disables the channel and keeps it', async (t) => {
  const { server, channel, link } = await emailChannel(t);
  const res = await fetch(link(server.clock.now), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  t.equal(res.status, 200);
  t.match(await res.text(), 'You have been unsubscribed.');
  const { rows } = await server.pool.query('select code, disabled, disabled_at from channels');
  t.same(rows, [{ code: channel.code, disabled: true, disabled_at: server.clock.now }]);
  t.equal((await fetch(link(server.clock.now), { method: 'POST' })).status, 200, 'a second POST is harmless');
});

t.test('the link in an alert email is the one the page accepts', async (t) => {
  const { server, channel, key } = await emailChannel(t);
  const notice = { ...testNotice(), channel: { code: channel.code, name: '', unsubscribeKey: key }, now: server.clock.now };
  const header = alertEmail('ops@example.org', notice, { siteRoot: server.url, siteName: 'Cronwarden', from: 'a@example.org' }).headers?.['List-Unsubscribe'] ?? '';
  const res = await fetch(header.slice(1, -1), { method: 'POST', body: 'List-Unsubscribe=One-Click' });
  t.equal(res.status, 200);
  t.same((await server.pool.query('select disabled from channels')).rows, [{ disabled: true }]);
});

t.test('a wrong key, another kind of channel or a malformed code is a bad link', async (t) => {
  const { server, channel, key } = await emailChannel(t);
  const webhook = await insertChannel(server.pool, channel.project_id, { kind: 'webhook', config: { url_down: 'https://x.example.org/' } });
  const hookKey = (await server.pool.query('select unsubscribe_key from channels where id = $1', [webhook.id])).rows[0].unsubscribe_key;
  for (const path of [
    `/integrations/${channel.code}/unsub/${'0'.repeat(64)}/`,
    `/integrations/${webhook.code}/unsub/${hookKey}/`,
    `/integrations/not-a-uuid/unsub/${key}/`,
  ]) {
    t.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    t.equal((await fetch(`${server.url}${path}`, { method: 'POST' })).status, 404, path);
  }
  t.same((await server.pool.query('select disabled from channels order by id')).rows, [{ disabled: false }, { disabled: false }]);
});
