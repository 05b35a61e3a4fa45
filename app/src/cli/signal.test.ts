import t from 'tap';
import { execFile } from 'node:child_process';
import { loadConfig } from '../config.ts';
import { startFakeSignalCli } from '../integrations/signal/fake-signal-cli.ts';
import { startPrivateBus } from '../testing/dbus.ts';
import { runSignal } from './signal.ts';

const bin = new URL('../../bin/cronwarden.js', import.meta.url).pathname;

function recording() {
  const io = { stdout: '', stderr: '', out: (text: string) => void (io.stdout += text), err: (text: string) => void (io.stderr += text) };
  return io;
}

t.test('submit-challenge hands the token and the solved CAPTCHA to signal-cli, without the link scheme', async (t) => {
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address, { accountPath: '/org/asamk/Signal/_4915100000000' });
  const config = loadConfig({ SIGNAL_DBUS_ADDRESS: bus.address, SIGNAL_ACCOUNT: '+4915100000000' });
  const io = recording();
  t.equal(await runSignal(['submit-challenge', 'tok-1', 'signalcaptcha://signal-hcaptcha.5fad97ac.registration.P1_eyJ0'], io, config), 0);
  t.same(fake.calls, [{ path: '/org/asamk/Signal/_4915100000000', member: 'submitRateLimitChallenge', args: ['tok-1', 'signal-hcaptcha.5fad97ac.registration.P1_eyJ0'] }]);
  t.match(io.stdout, /^Challenge accepted/);

  fake.queue('submitRateLimitChallenge', {
    error: 'org.asamk.Signal.Error.Failure',
    text: 'Failure: Captcha rejected, it may be outdated, already used or solved from a different IP address.',
  });
  const refused = recording();
  t.equal(await runSignal(['submit-challenge', 'tok-1', 'x'], refused, config), 1);
  t.equal(refused.stderr, 'cronwarden: signal-cli refused the challenge: Failure: Captcha rejected, it may be outdated, already used or solved from a different IP address.\n');
});

t.test('status names the version and account, and says when sending is off', async (t) => {
  const bus = await startPrivateBus(t);
  await startFakeSignalCli(t, bus.address);
  const io = recording();
  t.equal(await runSignal(['status'], io, loadConfig({ SIGNAL_DBUS_ADDRESS: bus.address })), 0);
  t.equal(io.stdout, `signal-cli 0.14.6, account +4915100000000, object /org/asamk/Signal on ${bus.address}\nSignal notifications are off: set SIGNAL_ENABLED=true to send them.\n`);
  const json = recording();
  t.equal(await runSignal(['status', '--json'], json, loadConfig({ SIGNAL_DBUS_ADDRESS: bus.address, SIGNAL_ENABLED: 'true' })), 0);
  t.same(JSON.parse(json.stdout), { version: '0.14.6', account: '+4915100000000', address: bus.address, path: '/org/asamk/Signal', enabled: true });
});

t.test('a bus without signal-cli, or bad arguments, fail with a clear message', async (t) => {
  const bus = await startPrivateBus(t);
  const config = loadConfig({ SIGNAL_DBUS_ADDRESS: bus.address });
  const down = recording();
  t.equal(await runSignal(['status'], down, config), 1);
  t.match(down.stderr, /^cronwarden: signal-cli call failed \(org\.freedesktop\.DBus\.Error\.ServiceUnknown: .*\) on unix:path=/);
  const usage = recording();
  t.equal(await runSignal(['submit-challenge', 'only-one'], usage, config), 2);
  t.match(usage.stderr, /^cronwarden: submit-challenge needs CHALLENGE and CAPTCHA\n\nusage:/);
  const unknown = recording();
  t.equal(await runSignal(['frobnicate'], unknown, config), 2);
  t.match(unknown.stderr, /^cronwarden: unknown signal command "frobnicate"/);
  const option = recording();
  t.equal(await runSignal(['status', '--bogus'], option, config), 2);
  t.match(option.stderr, /^cronwarden: Unknown option '--bogus'/);
});

t.test('cronwarden signal submit-challenge works as a command, with the configuration from the environment', async (t) => {
  const bus = await startPrivateBus(t);
  const fake = await startFakeSignalCli(t, bus.address);
  // Asynchronous on purpose: the fake answers from this process's event loop.
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, 'signal', 'submit-challenge', 'tok-9', 'signalcaptcha://solved'], { env: { ...process.env, SIGNAL_DBUS_ADDRESS: bus.address } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^Challenge accepted/);
  t.same(fake.calls.map((c) => c.args), [['tok-9', 'solved']]);
});
