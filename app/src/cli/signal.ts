// `cronwarden signal submit-challenge|status`: what the operator does with signal-cli's DBus
// service from the command line. When Signal demands a CAPTCHA (the admins get an email with
// the challenge token), the solved CAPTCHA is handed to signal-cli here, as Healthchecks'
// `manage.py submitchallenge` does. Talks to the bus of SIGNAL_DBUS_ADDRESS; no database.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { accountPath, SignalCliError, withSignalBus } from '../integrations/signal/bus.ts';
import { SIGNAL_INTERFACE } from '../integrations/signal/message.ts';
import { TransportError } from '../integrations/types.ts';
import { configOrReport } from './config.ts';

const USAGE = `usage:
  cronwarden signal submit-challenge CHALLENGE CAPTCHA
      hand a solved CAPTCHA to signal-cli, lifting Signal's rate limit on the account.
      CHALLENGE is the token from the admins' email; CAPTCHA the address of the "Open Signal"
      link on https://signalcaptchas.org/challenge/generate.html (signalcaptcha://...)
  cronwarden signal status [--json]
      check that signal-cli answers on the bus: its version and account
`;

/** Standard output and error. */
export interface SignalCliIo {
  out(text: string): void;
  err(text: string): void;
}

const CALL_TIMEOUT_MS = 60_000;

/** Runs `cronwarden signal <args>` with `config`; returns the exit status. */
export async function runSignal(args: string[], io: SignalCliIo, config: Config): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'submit-challenge') return await submitChallenge(rest, io, config);
    if (command === 'status') return await status(rest, io, config);
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`cronwarden: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof TransportError) {
      io.err(`cronwarden: ${error.message} on ${config.integrations.signal.dbusAddress}\n`);
      return 1;
    }
    if (error instanceof SignalCliError) {
      io.err(`cronwarden: signal-cli answered ${error.type}: ${error.text}\n`);
      return 1;
    }
    throw error;
  }
  io.err(command === undefined || command === 'help' ? USAGE : `cronwarden: unknown signal command "${command}"\n\n${USAGE}`);
  return 2;
}

async function submitChallenge(args: string[], io: SignalCliIo, config: Config): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [challenge, solved] = positionals;
  if (positionals.length !== 2 || !challenge || !solved) {
    io.err(`cronwarden: submit-challenge needs CHALLENGE and CAPTCHA\n\n${USAGE}`);
    return 2;
  }
  // The link's address is signalcaptcha://<token>; signal-cli wants the token.
  const captcha = solved.replace(/^signalcaptcha:\/\//, '');
  try {
    await withSignalBus(config.integrations.signal, AbortSignal.timeout(CALL_TIMEOUT_MS), (bus) =>
      bus.call({ interface: SIGNAL_INTERFACE, member: 'submitRateLimitChallenge', signature: 'ss', body: [challenge, captcha] }),
    );
  } catch (error) {
    if (!(error instanceof SignalCliError)) throw error;
    io.err(`cronwarden: signal-cli refused the challenge: ${error.text}\n`);
    return 1;
  }
  io.out('Challenge accepted: the account may send again. Blocked Signal notifications go out at their next retry.\n');
  return 0;
}

async function status(args: string[], io: SignalCliIo, config: Config): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const settings = config.integrations.signal;
  const call = (member: string) => ({ interface: SIGNAL_INTERFACE, member, signature: '', body: [] });
  const [version, account] = await withSignalBus(settings, AbortSignal.timeout(CALL_TIMEOUT_MS), async (bus) => [
    String((await bus.call(call('version')))[0]),
    String((await bus.call(call('getSelfNumber')))[0]),
  ]);
  const facts = { version, account, address: settings.dbusAddress, path: accountPath(settings.account), enabled: settings.enabled };
  if (values.json) {
    io.out(`${JSON.stringify(facts)}\n`);
  } else {
    io.out(`signal-cli ${version}, account ${account}, object ${facts.path} on ${facts.address}\n`);
    if (!settings.enabled) io.out('Signal notifications are off: set SIGNAL_ENABLED=true to send them.\n');
  }
  return 0;
}

/** `cronwarden signal`: the real process. */
export async function run(args: string[]): Promise<number> {
  const config = configOrReport();
  if (!config) return 1;
  return runSignal(args, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }, config);
}
