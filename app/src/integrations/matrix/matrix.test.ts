import t from 'tap';
import { startHttpReceiver, type ReceivedRequest } from '../../testing/receivers.ts';
import { checkConfigCases } from '../config-cases.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { matrix } from './index.ts';
import { joinRequest, matrixContent, resolveRequest, sendRequest } from './message.ts';

const ROOM_ID = '!QtykxKocfZaZOUrTwp:example.org';
const TOKEN = 'syt_Y3JvbndhcmRlbg_secret';
const site = { homeserver: 'https://matrix.example.org', accessToken: TOKEN };
const upNotice = () => testNotice({ facts: { status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') } });

t.test('a down message has the shared plain text and the same facts as HTML', async (t) => {
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, name: 'Back<ups>' }, otherDownNames: ['db'], otherDownCount: 1 } });
  t.same(matrixContent(notice.summary, notice.now), {
    msgtype: 'm.text',
    body: [
      '🔴 "Back<ups>" is DOWN (success signal did not arrive on time, grace time passed).',
      '',
      'Nightly database backup',
      '',
      'Project: Infra',
      'Tags: prod, db',
      'Period: 1 hour',
      'Total pings: 42',
      'Last ping: Success, 2 hours ago, from 192.0.2.7',
      'Status changed to down at: Thu, 15 Jan 2026 11:10:00 GMT',
      '',
      'Other checks down: "db".',
      '',
      'Last ping body:',
      'backup done: 12 GB',
    ].join('\n'),
    format: 'org.matrix.custom.html',
    formatted_body: [
      '<p>🔴 <b>&quot;Back&lt;ups&gt;&quot; is DOWN (success signal did not arrive on time, grace time passed).</b></p>',
      '<p>Nightly database backup</p>',
      '<p><b>Project:</b> Infra<br><b>Tags:</b> prod, db<br><b>Period:</b> 1 hour<br><b>Total pings:</b> 42<br>' +
        '<b>Last ping:</b> Success, 2 hours ago, from 192.0.2.7<br><b>Status changed to down at:</b> Thu, 15 Jan 2026 11:10:00 GMT</p>',
      '<p>Other checks down: &quot;db&quot;.</p>',
      '<p><b>Last ping body:</b></p><pre><code>backup done: 12 GB</code></pre>',
    ].join('\n'),
  });
});

t.test('an up message is green and says how long the check was down', async (t) => {
  const content = matrixContent(upNotice().summary, upNotice().now);
  t.match(content.body, /^🟢 "Backups" is UP\. The downtime lasted 30 minutes\.\n/);
  t.match(content.formatted_body, /^<p>🟢 <b>&quot;Backups&quot; is UP\. The downtime lasted 30 minutes\.<\/b><\/p>\n/);
});

t.test('the requests: PUT with the idempotency key as transaction id; directory lookup; join', async (t) => {
  const notice = testNotice();
  const content = matrixContent(notice.summary, notice.now);
  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  t.same(sendRequest(site, ROOM_ID, notice.code, content), {
    method: 'PUT',
    url: `https://matrix.example.org/_matrix/client/v3/rooms/!QtykxKocfZaZOUrTwp%3Aexample.org/send/m.room.message/${notice.code}`,
    headers: auth,
    body: JSON.stringify(content),
  });
  t.same(resolveRequest(site, '#ops:example.org'), { method: 'GET', url: 'https://matrix.example.org/_matrix/client/v3/directory/room/%23ops%3Aexample.org', headers: auth });
  t.same(joinRequest(site, '#ops:example.org'), { method: 'POST', url: 'https://matrix.example.org/_matrix/client/v3/join/%23ops%3Aexample.org', headers: auth, body: '{}' });
});

t.test('settings: a room id or alias; Healthchecks\' value is the room id', async (t) => {
  checkConfigCases(t, matrix, new URL('./fixtures/config.json', import.meta.url));
  t.same([matrix.open({ room: ROOM_ID }).isNoop('down'), matrix.open({ room: ROOM_ID }).isNoop('up')], [false, false]);
});

interface Homeserver {
  /** Rooms the account has joined, and rooms it is invited to. */
  joined: Set<string>;
  invited: Set<string>;
  aliases: Map<string, string>;
  /** Posted events by transaction id, as a homeserver deduplicates them. */
  events: Map<string, string>;
  /** Rooms where the account may not post (power levels). */
  muted: Set<string>;
  /** Overrides for the next answers (errors to inject). */
  next: Array<{ status: number; headers?: Record<string, string>; body?: string }>;
  requests: ReceivedRequest[];
}

// A homeserver as far as sending needs one: the directory, joins, and sends deduplicated by
// transaction id. It checks the access token like a real one.
async function startHomeserver(t: Parameters<typeof startHttpReceiver>[0]) {
  const hs: Homeserver = { joined: new Set(), invited: new Set(), aliases: new Map(), events: new Map(), muted: new Set(), next: [], requests: [] };
  const json = (status: number, doc: object) => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
  const receiver = await startHttpReceiver(t, {
    respond: (req) => {
      const injected = hs.next.shift();
      if (injected) return injected;
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' });
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace('/_matrix/client/v3', '');
      const directory = /^\/directory\/room\/(.+)$/.exec(path);
      if (directory?.[1] && req.method === 'GET') {
        const id = hs.aliases.get(directory[1]);
        return id ? json(200, { room_id: id, servers: ['example.org'] }) : json(404, { errcode: 'M_NOT_FOUND', error: `Room alias ${directory[1]} not found` });
      }
      const join = /^\/join\/(.+)$/.exec(path);
      if (join?.[1] && req.method === 'POST') {
        const id = hs.aliases.get(join[1]) ?? join[1];
        if (!hs.invited.has(id) && !hs.joined.has(id)) return json(403, { errcode: 'M_FORBIDDEN', error: 'You are not invited to this room.' });
        hs.joined.add(id);
        return json(200, { room_id: id });
      }
      const send = /^\/rooms\/([^/]+)\/send\/m\.room\.message\/([^/]+)$/.exec(path);
      if (send?.[1] && send[2] && req.method === 'PUT') {
        if (!hs.joined.has(send[1])) return json(403, { errcode: 'M_FORBIDDEN', error: `User @cronwarden:example.org not in room ${send[1]}` });
        if (hs.muted.has(send[1])) return json(403, { errcode: 'M_FORBIDDEN', error: "You don't have permission to post that to the room." });
        const event = hs.events.get(send[2]) ?? `$event${hs.events.size + 1}`;
        hs.events.set(send[2], event);
        return json(200, { event_id: event });
      }
      return json(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    },
  });
  hs.requests = receiver.requests;
  const ctx = testSendContext(t, { MATRIX_HOMESERVER: receiver.url, MATRIX_ACCESS_TOKEN: TOKEN, MATRIX_USER_ID: '@cronwarden:example.org' });
  return { hs, ctx };
}

const calls = (requests: ReceivedRequest[]) => requests.map((r) => `${r.method} ${decodeURIComponent(r.url).replace('/_matrix/client/v3', '')}`);

t.test('a message to a joined room is one PUT; the body is the content', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  hs.joined.add(ROOM_ID);
  const notice = testNotice();
  await matrix.open({ room: ROOM_ID }).send(notice, ctx);
  t.same(calls(hs.requests), [`PUT /rooms/${ROOM_ID}/send/m.room.message/${notice.code}`]);
  t.same(JSON.parse(hs.requests[0]?.body ?? ''), matrixContent(notice.summary, notice.now));
  t.same([...hs.events.keys()], [notice.code]);
});

t.test('an alias is resolved through the directory on each send', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  hs.joined.add(ROOM_ID);
  hs.aliases.set('#ops:example.org', ROOM_ID);
  await matrix.open({ room: '#ops:example.org' }).send(testNotice(), ctx);
  t.same(calls(hs.requests), ['GET /directory/room/#ops:example.org', `PUT /rooms/${ROOM_ID}/send/m.room.message/${testNotice().code}`]);
});

t.test('an invited account joins on its first message and sends again with the same transaction id', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  hs.invited.add(ROOM_ID);
  hs.aliases.set('#ops:example.org', ROOM_ID);
  await matrix.open({ room: '#ops:example.org' }).send(testNotice(), ctx);
  const put = `PUT /rooms/${ROOM_ID}/send/m.room.message/${testNotice().code}`;
  t.same(calls(hs.requests), ['GET /directory/room/#ops:example.org', put, 'POST /join/#ops:example.org', put]);
  t.equal(hs.events.size, 1);
});

t.test('a resend of a delivery (after a crash) is deduplicated by the homeserver', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  hs.joined.add(ROOM_ID);
  const channel = matrix.open({ room: ROOM_ID });
  await channel.send(testNotice(), ctx);
  await channel.send({ ...testNotice(), now: new Date('2026-01-15T12:05:00Z') }, ctx);
  t.equal(hs.requests.length, 2);
  t.equal(hs.requests[0]?.url, hs.requests[1]?.url);
  t.same([...hs.events.values()], ['$event1'], 'one message in the room');
});

t.test('not invited, no such alias, no permission to post: permanent, with what to do', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  await t.rejects(matrix.open({ room: ROOM_ID }).send(testNotice(), ctx), {
    permanent: true,
    message: `Could not join ${ROOM_ID}: Received status code 403 with a message: "M_FORBIDDEN: You are not invited to this room.". Invite @cronwarden:example.org into the room, then enable the channel again.`,
  });
  await t.rejects(matrix.open({ room: '#gone:example.org' }).send(testNotice(), ctx), {
    permanent: true,
    message: 'The Matrix room alias #gone:example.org does not exist (Received status code 404 with a message: "M_NOT_FOUND: Room alias #gone:example.org not found")',
  });
  hs.joined.add(ROOM_ID);
  hs.muted.add(ROOM_ID);
  await t.rejects(matrix.open({ room: ROOM_ID }).send(testNotice(), ctx), {
    permanent: true,
    message: 'Received status code 403 with a message: "M_FORBIDDEN: You don\'t have permission to post that to the room."',
  });
});

t.test('rate limits wait as long as the homeserver says; a rejected token and server errors are retried', async (t) => {
  const { hs, ctx } = await startHomeserver(t);
  hs.joined.add(ROOM_ID);
  hs.next.push(
    { status: 429, body: '{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}' },
    { status: 429, headers: { 'Retry-After': '7' }, body: '{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests"}' },
    { status: 401, body: '{"errcode":"M_UNKNOWN_TOKEN","error":"Access token has expired","soft_logout":true}' },
    { status: 502, body: '<html>Bad Gateway</html>' },
  );
  const channel = matrix.open({ room: ROOM_ID });
  const outcomes = [];
  for (let i = 0; i < 4; i++) {
    const e = await channel.send(testNotice(), ctx).then(() => null, (error: { message: string; permanent: boolean; retryAfter: number | null }) => error);
    outcomes.push([e?.message, e?.permanent, e?.retryAfter]);
  }
  t.same(outcomes, [
    ['Received status code 429 with a message: "M_LIMIT_EXCEEDED: Too Many Requests"', false, 3],
    ['Received status code 429 with a message: "M_LIMIT_EXCEEDED: Too Many Requests"', false, 7],
    ['The homeserver rejected Cronwarden\'s Matrix account (Received status code 401 with a message: "M_UNKNOWN_TOKEN: Access token has expired"): check MATRIX_ACCESS_TOKEN', false, null],
    ['Received status code 502', false, null],
  ]);
  await channel.send(testNotice(), ctx);
  t.equal(hs.events.size, 1, 'and the next attempt goes through');
});

t.test('without MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN sends fail, and are retried until they are set', async (t) => {
  await t.rejects(matrix.open({ room: ROOM_ID }).send(testNotice(), testSendContext(t)), { message: 'Matrix notifications are not enabled.', permanent: false });
});
