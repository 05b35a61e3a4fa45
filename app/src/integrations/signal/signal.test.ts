import t from 'tap';
import { readFileSync } from 'node:fs';
import { startPrivateBus } from '../../testing/dbus.ts';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { ChannelConfigError, TransportError } from '../types.ts';
import { accountPath } from './bus.ts';
import { classifySignalError, transportError } from './errors.ts';
import { startFakeSignalCli } from './fake-signal-cli.ts';
import { signalIntegration } from './index.ts';
import { recipientId, sendMessageCall } from './message.ts';
import { parseSignalConfig } from './config.ts';

type TestLike = Parameters<typeof startPrivateBus>[0];

const downText = [
  '"Backups" is DOWN (success signal did not arrive on time, grace time passed).',
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
  'Last ping body:',
  'backup done: 12 GB',
].join('\n');

t.test('a down notice is one sendMessage call: the summary as plain text, no attachments, one recipient', async (t) => {
  const call = sendMessageCall(parseSignalConfig({ recipient: '+49 151-1234 5678' }), testNotice());
  t.same(call, { interface: 'org.asamk.Signal', member: 'sendMessage', signature: 'sasas', body: [downText, [], ['+4915112345678']] });
});

t.test('an up notice says how long the check was down and lists the checks still down', async (t) => {
  const notice = testNotice({
    facts: { status: 'up', reason: '', downSince: new Date('2026-01-15T09:00:00Z'), otherDownNames: ['db-dump', 'mail queue'], otherDownCount: 2 },
  });
  t.same(sendMessageCall(parseSignalConfig({ recipient: 'alice.42' }), notice).body, [
    [
      '"Backups" is UP. The downtime lasted 2 hours 10 minutes.',
      '',
      'Nightly database backup',
      '',
      'Project: Infra',
      'Tags: prod, db',
      'Period: 1 hour',
      'Total pings: 42',
      'Last ping: Success, 2 hours ago, from 192.0.2.7',
      'Status changed to up at: Thu, 15 Jan 2026 11:10:00 GMT',
      '',
      'Other checks down: "db-dump", "mail queue".',
      '',
      'Last ping body:',
      'backup done: 12 GB',
    ].join('\n'),
    [],
    ['u:alice.42'],
  ]);
});

t.test('a long ping body is cut to its last 1000 characters', async (t) => {
  const body = `${'a'.repeat(500)}${'b'.repeat(1000)}`;
  const notice = testNotice({ facts: { lastPing: { ...summaryFacts().lastPing!, body: new TextEncoder().encode(body) } } });
  const [text] = sendMessageCall(parseSignalConfig({ recipient: '+4915112345678' }), notice).body;
  t.match(text, new RegExp(`\\nLast ping body:\\n\\[…\\]b{1000}$`));
});

t.test('usernames are sent as signal-cli names them, numbers as they are', async (t) => {
  t.equal(recipientId('alice.42'), 'u:alice.42');
  t.equal(recipientId('+4915112345678'), '+4915112345678');
});

t.test('settings: a recipient and which directions to send, validated and normalised', async (t) => {
  const signal = signalIntegration();
  t.same(signal.parseConfig({ recipient: ' +49 151 1234-5678 ' }), { recipient: '+4915112345678', up: true, down: true });
  t.same(signal.parseConfig({ value: 'alice.42', up: false, ignored: 1 }), { recipient: 'alice.42', up: false, down: true }, 'a Healthchecks export');
  const once = signal.parseConfig({ recipient: 'Bob_9.1234', down: false, reminder_interval: 3600 });
  t.same(once, { recipient: 'Bob_9.1234', up: true, down: false, reminder_interval: 3600 });
  t.same(signal.parseConfig(once), once, 'parsing the stored settings again gives the same settings');
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^recipient is required$/],
    [{ recipient: 42 }, /^recipient is required$/],
    [{ recipient: '4915112345678' }, /^recipient must be a phone number in international format/],
    [{ recipient: '+1234' }, /^recipient must be a phone number/],
    [{ recipient: '+1234567890123456' }, /^recipient must be a phone number/],
    [{ recipient: 'al.42' }, /^recipient must be a phone number .* or a Signal username/],
    [{ recipient: 'alice.1' }, /^recipient must be/],
    [{ recipient: 'alice' }, /^recipient must be/],
    [{ recipient: 'alice.42', up: 'yes' }, /^up must be true or false$/],
    [{ recipient: 'alice.42', up: false, down: false }, /^at least one of up and down must be true$/],
  ];
  for (const [raw, message] of cases) t.throws(() => signal.parseConfig(raw), message, JSON.stringify(raw));
  t.throws(() => signal.parseConfig('+4915112345678'), ChannelConfigError);
});

t.test('a direction set to false is a no-op', async (t) => {
  const channel = signalIntegration().open({ recipient: 'alice.42', up: false });
  t.same([channel.isNoop('down'), channel.isNoop('up')], [false, true]);
});

interface ErrorCase {
  case: string;
  name: string;
  text: string;
  failure: Record<string, unknown>;
  error: { message: string; permanent: boolean; retryAfter: number | null };
}
const errorCases = JSON.parse(readFileSync(new URL('fixtures/errors.json', import.meta.url), 'utf8')) as ErrorCase[];

t.test("signal-cli's error replies are classified by name and text", async (t) => {
  for (const c of errorCases) {
    const failure = classifySignalError(c.name, c.text);
    t.same(failure, c.failure, c.case);
    const error = transportError(failure, c.name);
    t.same({ message: error.message, permanent: error.permanent, retryAfter: error.retryAfter }, c.error, c.case);
  }
});

t.test('the account object is /org/asamk/Signal, or its number with _ for + in multi-account mode', async (t) => {
  t.equal(accountPath(null), '/org/asamk/Signal');
  t.equal(accountPath('+4915100000000'), '/org/asamk/Signal/_4915100000000');
});

/** A private bus with a fake signal-cli, and a send context pointing at it. */
async function signalCliOnBus(t: TestLike, env: Record<string, string> = {}, options: Parameters<typeof startFakeSignalCli>[2] = {}) {
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address, options);
  const ctx = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: bus.address, ...env });
  return { bus, fake, ctx };
}

type Outcome = { message: string; permanent: boolean; retryAfter: number | null } | 'sent';

async function outcome(send: Promise<void>): Promise<Outcome> {
  try {
    await send;
    return 'sent';
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return { message: error.message, permanent: error.permanent, retryAfter: error.retryAfter };
  }
}

t.test('a notice reaches signal-cli over the bus with the exact arguments', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  const channel = signalIntegration().open({ recipient: '+4915112345678' });
  t.equal(await outcome(channel.send(testNotice(), ctx)), 'sent');
  const up = testNotice({ facts: { status: 'up', reason: '', downSince: new Date('2026-01-15T09:00:00Z') } });
  t.equal(await outcome(channel.send(up, ctx)), 'sent');
  t.same(fake.calls.map((c) => [c.path, c.member, c.args]), [
    ['/org/asamk/Signal', 'sendMessage', [downText, [], ['+4915112345678']]],
    ['/org/asamk/Signal', 'sendMessage', sendMessageCall(parseSignalConfig({ recipient: '+4915112345678' }), up).body],
  ]);
});

t.test('with SIGNAL_ACCOUNT the account object of a multi-account signal-cli is called', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t, { SIGNAL_ACCOUNT: '+4915100000000' }, { accountPath: '/org/asamk/Signal/_4915100000000' });
  t.equal(await outcome(signalIntegration().open({ recipient: 'alice.42' }).send(testNotice(), ctx)), 'sent');
  t.same(fake.calls.map((c) => [c.path, c.args[2]]), [['/org/asamk/Signal/_4915100000000', ['u:alice.42']]]);
});

t.test('permanent: a recipient without a Signal account, a username nobody has, a number signal-cli rejects', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  const byCase = (name: string) => errorCases.find((c) => c.case.startsWith(name))!;
  for (const name of ['a number without a Signal account', 'a username that resolves', 'a number signal-cli cannot parse']) {
    fake.queue('sendMessage', { error: byCase(name).name, text: byCase(name).text });
  }
  const channel = signalIntegration().open({ recipient: '+4915112345678' });
  const results = [await outcome(channel.send(testNotice(), ctx)), await outcome(channel.send(testNotice(), ctx)), await outcome(channel.send(testNotice(), ctx))];
  t.same(results, [
    { message: 'Recipient not found', permanent: true, retryAfter: null },
    { message: 'Recipient not found', permanent: true, retryAfter: null },
    { message: 'Invalid phone number', permanent: true, retryAfter: null },
  ]);
  t.equal(fake.calls.length, 3, 'one call each, no retry inside a send');
});
