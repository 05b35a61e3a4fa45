import t from 'tap';
import { startSmtpReceiver } from '../../testing/receivers.ts';
import { testDatabase } from '../../testing/db.ts';
import { startPrivateBus } from '../../testing/dbus.ts';
import { createRateLimiter } from '../stores.ts';
import { testNotice, testSendContext } from '../testing.ts';
import { TransportError, type Notice } from '../types.ts';
import { startFakeSignalCli, type FakeOptions } from './fake-signal-cli.ts';
import { signalIntegration } from './index.ts';
import { newSignalState } from './send.ts';

type TestLike = Parameters<typeof startPrivateBus>[0];
type Outcome = { message: string; permanent: boolean; retryAfter: number | null } | 'sent';

const NUMBER = '+4915112345678';
const failure = (text: string) => ({ error: 'org.asamk.Signal.Error.Failure', text: `Failure: \nFailed to send message:\n${text}\n1768478400000` });
const untrusted = (who: string) => ({ error: 'org.asamk.Signal.Error.UntrustedIdentity', text: `Untrusted identity: \nFailed to send message:\nUntrusted Identity for "${who}"\n1768478400000` });
const captcha = (token: string) =>
  failure(`CAPTCHA proof required for sending to "${NUMBER}", available options "CAPTCHA" with challenge token "${token}", or wait "86400" seconds.\n(instructions)`);

async function signalCliOnBus(t: TestLike, env: Record<string, string> = {}, options: FakeOptions = {}) {
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address, options);
  const ctx = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: bus.address, ...env });
  return { bus, fake, ctx };
}

async function outcome(send: Promise<void>): Promise<Outcome> {
  try {
    await send;
    return 'sent';
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return { message: error.message, permanent: error.permanent, retryAfter: error.retryAfter };
  }
}

const retryable = (message: string | RegExp) => ({ message, permanent: false, retryAfter: null });

t.test('retryable: the bus socket missing, signal-cli not on the bus, a policy refusing us', async (t) => {
  const channel = signalIntegration().open({ recipient: NUMBER });
  const missing = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: 'unix:path=/nonexistent/cw-bus.sock' });
  t.same(await outcome(channel.send(testNotice(), missing)), retryable('signal-cli call failed (connect ENOENT /nonexistent/cw-bus.sock)'));

  const empty = await startPrivateBus(t);
  const nobody = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: empty.address });
  t.match(await outcome(channel.send(testNotice(), nobody)), retryable(/^signal-cli call failed \(org\.freedesktop\.DBus\.Error\.ServiceUnknown: The name org\.asamk\.Signal was not provided/));

  // What a host whose policy lets only the app's user talk to signal-cli shows to anyone else.
  const strict = await startPrivateBus(t, { extraPolicy: '<deny send_destination="org.asamk.Signal"/>' });
  const fake = await startFakeSignalCli(t, strict.address);
  const refused = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: strict.address });
  t.match(await outcome(channel.send(testNotice(), refused)), retryable(/^signal-cli call failed \(org\.freedesktop\.DBus\.Error\.AccessDenied: /));
  t.equal(fake.calls.length, 0);
});

t.test('a bus refusing our connection at Hello (its limit for our user reached) fails the send, not the process', async (t) => {
  // The fake holds the one connection this bus allows the user; dbus-next would turn the
  // refused Hello into an unhandled rejection, which tap reports as a failure of this file.
  const full = await startPrivateBus(t, { extraConfig: '<limit name="max_connections_per_user">1</limit>' });
  await startFakeSignalCli(t, full.address);
  const ctx = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: full.address });
  t.match(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), retryable(
    /^signal-cli call failed \(org\.freedesktop\.DBus\.Error\.LimitsExceeded: The maximum number of active connections for UID \d+ has been reached\)$/,
  ));
});

t.test('retryable: a network failure inside signal-cli, a wrong SIGNAL_ACCOUNT, an unknown failure', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  fake.queue('sendMessage', failure(`Network failure for "${NUMBER}"`), { error: 'org.asamk.Signal.Error.Failure', text: 'Failure: Failed to get sender certificate (IOException)' });
  const channel = signalIntegration().open({ recipient: NUMBER });
  t.same(await outcome(channel.send(testNotice(), ctx)), retryable('signal-cli call failed (network failure)'));
  t.same(await outcome(channel.send(testNotice(), ctx)), retryable('signal-cli call failed (org.asamk.Signal.Error.Failure)'));
  const wrongAccount = testSendContext(t, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: ctx.config.integrations.signal.dbusAddress, SIGNAL_ACCOUNT: '+4915199999999' });
  t.match(await outcome(channel.send(testNotice(), wrongAccount)), retryable(/^signal-cli call failed \(org\.freedesktop\.DBus\.Error\.UnknownMethod: /));
  t.equal(fake.calls.length, 2, 'the call on the wrong object never reached the account');
});

t.test('a signal-cli that never answers is given up when the send is aborted (the engine deadline)', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  fake.queue('sendMessage', { hang: true });
  const channel = signalIntegration().open({ recipient: NUMBER });
  const deadline = AbortSignal.timeout(300);
  t.same(await outcome(channel.send(testNotice(), { ...ctx, signal: deadline })), retryable('signal-cli call failed (timed out)'));
  const shutdown = new AbortController();
  fake.queue('sendMessage', { hang: true });
  const sending = outcome(channel.send(testNotice(), { ...ctx, signal: shutdown.signal }));
  await fake.waitForCalls(2);
  shutdown.abort();
  t.same(await sending, retryable('signal-cli call failed (aborted)'));
});

t.test('signal-cli leaving the bus mid-call, or the bus going away, fails the send at once', async (t) => {
  const { bus, fake, ctx } = await signalCliOnBus(t);
  const channel = signalIntegration().open({ recipient: NUMBER });
  fake.queue('sendMessage', { hang: true });
  const sending = outcome(channel.send(testNotice(), ctx));
  await fake.waitForCalls(1);
  await fake.stop();
  t.match(await sending, retryable(/^signal-cli call failed \(org\.freedesktop\.DBus\.Error\.NoReply: /));

  const second = await startFakeSignalCli(t, bus.address);
  second.queue('sendMessage', { hang: true });
  const dropped = outcome(channel.send(testNotice(), ctx));
  await second.waitForCalls(1);
  await bus.stop();
  t.match(await dropped, retryable(/^signal-cli call failed \(/));
});

t.test('SIGNAL_ENABLED=false refuses to send without touching the bus', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t, { SIGNAL_ENABLED: 'false' });
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), retryable('Signal notifications are not enabled'));
  t.equal(fake.calls.length, 0);
});

t.test('a plain rate limit waits as long as Signal says', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  fake.queue('sendMessage', failure(`Rate limit failure for "${NUMBER}", retry after 30 seconds`));
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), { message: 'Rate limited by the Signal server', permanent: false, retryAfter: 30 });
});

t.test('a CAPTCHA demand waits, and the admins get the challenge token by email once', async (t) => {
  const smtp = await startSmtpReceiver(t);
  const email = { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_USE_TLS: 'false', DEFAULT_FROM_EMAIL: 'Cronwarden <alerts@cw.example.org>' };
  const { fake, ctx } = await signalCliOnBus(t, { ...email, ADMINS: 'root@example.org,ops@example.org' });
  fake.queue('sendMessage', captcha('tok-1'), captcha('tok-1'), captcha('tok-2'));
  const channel = signalIntegration().open({ recipient: NUMBER });
  const blocked = { message: 'CAPTCHA proof required', permanent: false, retryAfter: 86400 };
  t.same(await outcome(channel.send(testNotice(), ctx)), blocked);
  t.same(await outcome(channel.send(testNotice(), ctx)), blocked);
  t.same(await outcome(channel.send(testNotice(), ctx)), blocked);
  t.equal(smtp.messages.length, 2, 'one email per challenge');
  const [mail] = smtp.messages;
  t.same(mail?.to, ['root@example.org', 'ops@example.org']);
  t.equal(mail?.parsed.subject, 'Signal CAPTCHA proof required');
  t.match(mail?.parsed.text, /^Challenge token: tok-1$/m);
  t.match(mail?.parsed.text, /cronwarden signal submit-challenge tok-1 'signalcaptcha:\/\/\.\.\.'/);
  t.match(mail?.parsed.text, /https:\/\/signalcaptchas\.org\/challenge\/generate\.html/);
  t.match(mail?.parsed.text, /What signal-cli said:\nFailure: \nFailed to send message:\nCAPTCHA proof required for sending to "\+4915112345678"/);
  t.match(smtp.messages[1]?.parsed.text, /^Challenge token: tok-2$/m);
});

t.test('without ADMINS, or with the mail server down, a CAPTCHA demand still fails the send the same way', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t, { ADMINS: 'root@example.org' });
  fake.queue('sendMessage', captcha('tok-3'));
  const blocked = { message: 'CAPTCHA proof required', permanent: false, retryAfter: 86400 };
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), blocked, 'EMAIL_HOST unset');
  const quiet = await signalCliOnBus(t);
  quiet.fake.queue('sendMessage', captcha('tok-4'));
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), quiet.ctx)), blocked, 'ADMINS unset');
});

t.test('an untrusted identity is trusted and the message sent again, once', async (t) => {
  const identities = [
    { path: '/org/asamk/Signal/Identities/_4915112345678_1', uuid: '6f0c2d1e-8a90-4c5b-9a55-0d7a6b5f4c1e', number: NUMBER },
    { path: '/org/asamk/Signal/Identities/_4915100000001_2', uuid: '0d7a6b5f-8a90-4c5b-9a55-6f0c2d1e4c1e', number: '+4915100000001' },
  ];
  const { fake, ctx } = await signalCliOnBus(t, {}, { identities });
  fake.queue('sendMessage', untrusted(NUMBER));
  t.equal(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), 'sent');
  t.same(fake.calls.map((c) => [c.path, c.member]), [
    ['/org/asamk/Signal', 'sendMessage'],
    ['/org/asamk/Signal', 'listIdentities'],
    ['/org/asamk/Signal/Identities/_4915112345678_1', 'trust'],
    ['/org/asamk/Signal', 'sendMessage'],
  ]);
  t.same(fake.trusted, ['/org/asamk/Signal/Identities/_4915112345678_1']);
  t.same(fake.calls[3]?.args, fake.calls[0]?.args, 'the same message again');

  // A username's refusal names the account by UUID; that is what is looked up.
  fake.queue('sendMessage', untrusted('0d7a6b5f-8a90-4c5b-9a55-6f0c2d1e4c1e'));
  t.equal(await outcome(signalIntegration().open({ recipient: 'bob.01' }).send(testNotice(), ctx)), 'sent');
  t.same(fake.trusted.at(-1), '/org/asamk/Signal/Identities/_4915100000001_2');
});

t.test('an identity that stays untrusted, or that signal-cli does not list, is a permanent error', async (t) => {
  const identities = [{ path: '/org/asamk/Signal/Identities/_4915112345678_1', uuid: '6f0c2d1e-8a90-4c5b-9a55-0d7a6b5f4c1e', number: NUMBER }];
  const { fake, ctx } = await signalCliOnBus(t, {}, { identities });
  const permanent = { message: "Untrusted identity: the recipient's safety number changed", permanent: true, retryAfter: null };
  fake.queue('sendMessage', untrusted(NUMBER), untrusted(NUMBER));
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), permanent);
  t.equal(fake.calls.filter((c) => c.member === 'sendMessage').length, 2, 'sent again only once');
  fake.queue('sendMessage', untrusted('+4915177777777'));
  t.same(await outcome(signalIntegration().open({ recipient: '+4915177777777' }).send(testNotice(), ctx)), permanent);
  t.equal(fake.calls.at(-1)?.member, 'listIdentities', 'nothing to trust, nothing sent again');
});

t.test('with SIGNAL_TRUST_CHANGED_IDENTITIES=false an untrusted identity is never trusted', async (t) => {
  const identities = [{ path: '/org/asamk/Signal/Identities/_4915112345678_1', uuid: '6f0c2d1e-8a90-4c5b-9a55-0d7a6b5f4c1e', number: NUMBER }];
  const { fake, ctx } = await signalCliOnBus(t, { SIGNAL_TRUST_CHANGED_IDENTITIES: 'false' }, { identities });
  fake.queue('sendMessage', untrusted(NUMBER));
  t.same(await outcome(signalIntegration().open({ recipient: NUMBER }).send(testNotice(), ctx)), {
    message: "Untrusted identity: the recipient's safety number changed", permanent: true, retryAfter: null,
  });
  t.same(fake.calls.map((c) => c.member), ['sendMessage']);
  t.same(fake.trusted, []);
});

t.test('six messages a minute per recipient, shared through the database; the seventh waits without reaching signal-cli', async (t) => {
  const { fake, ctx } = await signalCliOnBus(t);
  const limited = { ...ctx, rateLimiter: createRateLimiter((await testDatabase(t)).pool) };
  const signal = signalIntegration(newSignalState());
  const results: Outcome[] = [];
  for (let i = 0; i < 7; i++) results.push(await outcome(signal.open({ recipient: NUMBER }).send(testNotice(), limited)));
  t.same(results.slice(0, 6), Array(6).fill('sent'));
  const refused = results[6];
  t.match(refused, { message: 'Rate limit exceeded', permanent: false });
  const wait = typeof refused === 'object' ? refused.retryAfter ?? 0 : 0;
  t.ok(wait >= 10 && wait <= 70, `retry after ${wait} s: the next token (10 s) plus up to a minute of spread`);
  t.equal(await outcome(signal.open({ recipient: '+4915100000009' }).send(testNotice(), limited)), 'sent', 'another recipient has its own bucket');
  t.equal(fake.calls.length, 7);
});
