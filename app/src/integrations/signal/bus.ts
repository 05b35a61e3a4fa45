// The DBus side of the Signal integration: a short-lived connection to the bus signal-cli's
// daemon is on, and method calls on its well-known name org.asamk.Signal. Calls are built as
// plain messages with their exact signature, without introspection (one round trip less, and
// nothing to parse from the service).
//
// One connection per send: alerts are rare, a connection costs a few milliseconds on a local
// socket, and nothing long-lived can go stale when the bus or signal-cli restarts, or keep the
// process alive on shutdown.
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import dbus from 'dbus-next';
import type { Message, MessageBus } from 'dbus-next';
import type { SignalSettings } from '../../integration-settings.ts';
import { TransportError } from '../types.ts';
import type { SignalCall } from './message.ts';

// dbus-next's index exports only ready-made buses (sessionBus, systemBus); the connection and
// the bus class are needed here for GuardedBus and for noticing the socket's end.
const require = createRequire(import.meta.url);
const MessageBusBase = require('dbus-next/lib/bus.js') as new (connection: EventEmitter) => MessageBus;
const createConnection = require('dbus-next/lib/connection.js') as (options: { busAddress: string }) => EventEmitter;

/**
 * dbus-next's MessageBus, except for a refused Hello (the bus's connection limit for our user
 * reached, say): the library rethrows it from a promise nobody awaits, an unhandled rejection
 * that would end the whole alert engine. Here it becomes an 'error' event like any other.
 */
class GuardedBus extends MessageBusBase {
  override call(message: Message): Promise<Message | null> {
    const reply = super.call(message);
    if (message.member !== 'Hello' || message.interface !== 'org.freedesktop.DBus') return reply;
    return reply.catch((error: unknown) => {
      this.emit('error', error);
      return new Promise<never>(() => {});
    });
  }
}

/** signal-cli's well-known name on the bus. */
export const SIGNAL_BUS_NAME = 'org.asamk.Signal';
const BASE_PATH = '/org/asamk/Signal';

/** An error reply from signal-cli itself (org.asamk.Signal.Error.*), to be classified. */
export class SignalCliError extends Error {
  override name = 'SignalCliError';
  constructor(
    readonly type: string,
    readonly text: string,
  ) {
    super(`${type}: ${text}`);
  }
}

export interface SignalBus {
  /** Calls `call` on `path` (default: the account's object); resolves with the reply's body. */
  call(call: SignalCall, path?: string): Promise<unknown[]>;
}

/**
 * The account's object path: /org/asamk/Signal when signal-cli runs for one account
 * (`daemon -a +number`), /org/asamk/Signal/_<digits> when it serves several.
 */
export function accountPath(account: string | null): string {
  return account === null ? BASE_PATH : `${BASE_PATH}/${account.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Why a call failed, for `signal-cli call failed (<why>)`: Healthchecks' wording. */
export function callFailed(why: string): TransportError {
  return new TransportError(`signal-cli call failed (${why})`);
}

/**
 * Connects to the bus, runs `work` with it and disconnects. Everything that is not signal-cli's
 * own answer becomes a retryable TransportError `signal-cli call failed (...)`: the socket
 * missing or refused, the name not owned (signal-cli not running), a policy refusing us, the
 * bus dropping us, or `signal` aborting (the engine's deadline).
 */
export async function withSignalBus<T>(settings: SignalSettings, signal: AbortSignal, work: (bus: SignalBus) => Promise<T>): Promise<T> {
  if (signal.aborted) throw aborted(signal);
  let failConnection: (error: TransportError) => void = () => {};
  const connectionFailed = new Promise<never>((_, reject) => (failConnection = reject));
  connectionFailed.catch(() => {});
  let bus: MessageBus;
  let connection: EventEmitter;
  try {
    connection = createConnection({ busAddress: settings.dbusAddress });
    bus = new GuardedBus(connection);
  } catch (error) {
    throw callFailed(error instanceof Error ? error.message : String(error));
  }
  // Kept after the work is done: a late socket error must not become an unhandled 'error' event.
  bus.on('error', (error: unknown) => failConnection(connectionError(error)));
  // The bus passes on socket errors but not the socket's end: without this, a call in flight
  // when the bus daemon goes away would wait for the deadline.
  connection.on('end', () => failConnection(callFailed('the bus closed the connection')));
  const onAbort = () => failConnection(aborted(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  const path = accountPath(settings.account);
  const client: SignalBus = {
    async call(call, at = path) {
      const message = new dbus.Message({
        destination: SIGNAL_BUS_NAME,
        path: at,
        interface: call.interface,
        member: call.member,
        signature: call.signature,
        body: [...call.body],
      });
      try {
        const reply = await Promise.race([bus.call(message), connectionFailed]);
        return reply?.body ?? [];
      } catch (error) {
        throw replyError(error);
      }
    },
  };
  try {
    return await work(client);
  } finally {
    signal.removeEventListener('abort', onAbort);
    bus.disconnect();
  }
}

function aborted(signal: AbortSignal): TransportError {
  const reason: unknown = signal.reason;
  return callFailed(reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'aborted');
}

function connectionError(error: unknown): TransportError {
  if (error instanceof dbus.DBusError) return callFailed(`${error.type}: ${error.text.slice(0, 200)}`);
  return callFailed(error instanceof Error ? error.message : String(error));
}

// signal-cli's own errors are classified by the caller; the bus's (ServiceUnknown, AccessDenied,
// NoReply, UnknownObject after a wrong SIGNAL_ACCOUNT, ...) are the operator's to fix, and retried.
function replyError(error: unknown): Error {
  if (error instanceof TransportError) return error;
  if (error instanceof dbus.DBusError && error.type.startsWith(`${SIGNAL_BUS_NAME}.Error.`)) return new SignalCliError(error.type, error.text);
  return connectionError(error);
}
