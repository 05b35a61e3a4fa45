// `npm run bench:signal`: what one Signal send costs on the DBus side, against a fake signal-cli
// on a private bus (dbus-daemon) in this process. Compares a fresh bus connection per send (what
// the integration does: connect, Hello, sendMessage, disconnect) with calls on one kept
// connection, in the same run, and prints the ratio. Real signal-cli then spends far longer
// talking to Signal's servers; this is only what our side adds.
//   npm run bench:signal [-- --sends 300]
import { loadConfig } from '../app/src/config.ts';
import { withSignalBus } from '../app/src/integrations/signal/bus.ts';
import { startFakeSignalCli } from '../app/src/integrations/signal/fake-signal-cli.ts';
import { signalIntegration } from '../app/src/integrations/signal/index.ts';
import { sendMessageCall } from '../app/src/integrations/signal/message.ts';
import { parseSignalConfig } from '../app/src/integrations/signal/config.ts';
import { testNotice, testSendContext } from '../app/src/integrations/testing.ts';
import { startPrivateBus } from '../app/src/testing/dbus.ts';

const sendsAt = process.argv.indexOf('--sends');
const SENDS = sendsAt >= 0 ? Number(process.argv[sendsAt + 1]) : 300;

const teardowns: Array<() => void | Promise<void>> = [];
const scope = { teardown: (fn: () => void | Promise<void>) => void teardowns.push(fn) };

async function timed(label: string, n: number, work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label.padEnd(44)} ${(ms / n).toFixed(3)} ms per send (${n} sends, ${ms.toFixed(0)} ms)`);
  return ms / n;
}

try {
  const bus = await startPrivateBus(scope);
  const fake = await startFakeSignalCli(scope, bus.address);
  const config = loadConfig({ SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: bus.address });
  const call = sendMessageCall(parseSignalConfig({ recipient: '+4915112345678' }), testNotice());
  const signal = AbortSignal.timeout(600_000);
  const perSend = () => withSignalBus(config.integrations.signal, signal, (b) => b.call(call)).then(() => {});
  for (let i = 0; i < 50; i++) await perSend();

  const fresh = await timed('a connection per send (the integration)', SENDS, async () => {
    for (let i = 0; i < SENDS; i++) await perSend();
  });
  const kept = await timed('one kept connection', SENDS, () =>
    withSignalBus(config.integrations.signal, signal, async (b) => {
      for (let i = 0; i < SENDS; i++) await b.call(call);
    }),
  );
  const ctx = testSendContext(scope, { SIGNAL_ENABLED: 'true', SIGNAL_DBUS_ADDRESS: bus.address });
  const integration = signalIntegration();
  await timed('whole send (limiter, text, connection, call)', SENDS, async () => {
    // A recipient each: the limiter allows 6 a minute per recipient.
    for (let i = 0; i < SENDS; i++) await integration.open({ recipient: `+49151${String(i).padStart(8, '0')}` }).send(testNotice(), ctx);
  });
  console.log(`ratio, connection per send / kept connection: ${(fresh / kept).toFixed(2)}`);
  console.log(`calls received by the fake: ${fake.calls.length}`);
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
