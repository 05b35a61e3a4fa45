// For tests: a stand-in for signal-cli's DBus daemon on a private bus (app/src/testing/dbus.ts).
// It owns org.asamk.Signal and implements, with signal-cli's signatures, the methods Cronwarden
// calls: sendMessage(sasas)->x, listIdentities()->a(oss), Identity.trust(),
// submitRateLimitChallenge(ss), version()->s, getSelfNumber()->s. It records every call and
// answers each method from a queue the test fills (an error reply, or no answer at all);
// without one it succeeds.
import dbus from 'dbus-next';
import type { MessageBus } from 'dbus-next';
import { SIGNAL_BUS_NAME } from './bus.ts';
import { SIGNAL_INTERFACE } from './message.ts';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

/** An error reply (`name` such as org.asamk.Signal.Error.Failure), or never answering. */
export type FakeReply = { readonly error: string; readonly text: string } | { readonly hang: true };

export interface FakeCall {
  readonly path: string;
  readonly member: string;
  readonly args: readonly unknown[];
}

export interface FakeIdentity {
  readonly path: string;
  readonly uuid: string;
  readonly number: string;
}

export interface FakeSignalCli {
  /** Every call received, in order. */
  readonly calls: FakeCall[];
  /** Paths of the identities trust() was called on. */
  readonly trusted: string[];
  /** Queues the next answers of `member`, used in order. */
  queue(member: string, ...replies: FakeReply[]): void;
  /** Resolves when `count` calls have arrived. */
  waitForCalls(count: number): Promise<void>;
  /** Leaves the bus (a call in flight then gets NoReply from the bus). */
  stop(): Promise<void>;
}

export interface FakeOptions {
  /** Where the account object lives: /org/asamk/Signal, or /org/asamk/Signal/_<digits>. */
  readonly accountPath?: string;
  readonly identities?: readonly FakeIdentity[];
  /** sendMessage's timestamp. */
  readonly timestamp?: bigint;
}

/** Connects to the bus at `address`, owns org.asamk.Signal and serves until stopped or teardown. */
export async function startFakeSignalCli(t: TestLike, address: string, options: FakeOptions = {}): Promise<FakeSignalCli> {
  const calls: FakeCall[] = [];
  const trusted: string[] = [];
  const queues = new Map<string, FakeReply[]>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const accountPath = options.accountPath ?? '/org/asamk/Signal';

  const record = (path: string, member: string, args: unknown[]) => {
    calls.push({ path, member, args });
    for (const waiter of waiters.filter((w) => calls.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const reply = queues.get(member)?.shift();
    if (reply === undefined) return;
    if ('hang' in reply) return new Promise<never>(() => {});
    throw new dbus.DBusError(reply.error, reply.text);
  };

  // dbus-next reads the methods off the prototype in configureMembers(), so they are assigned
  // first; a class per fake keeps two fakes in one test apart.
  class Account extends dbus.interface.Interface {}
  Object.assign(Account.prototype, {
    sendMessage: (message: string, attachments: string[], recipients: string[]) =>
      record(accountPath, 'sendMessage', [message, attachments, recipients]) ?? options.timestamp ?? 1_768_478_400_000n,
    listIdentities: () => record(accountPath, 'listIdentities', []) ?? (options.identities ?? []).map((i) => [i.path, i.uuid, i.number]),
    submitRateLimitChallenge: (challenge: string, captcha: string) => record(accountPath, 'submitRateLimitChallenge', [challenge, captcha]),
    version: () => record(accountPath, 'version', []) ?? '0.14.6',
    getSelfNumber: () => record(accountPath, 'getSelfNumber', []) ?? '+4915100000000',
  });
  Account.configureMembers({
    methods: {
      sendMessage: { inSignature: 'sasas', outSignature: 'x' },
      listIdentities: { inSignature: '', outSignature: 'a(oss)' },
      submitRateLimitChallenge: { inSignature: 'ss', outSignature: '' },
      version: { inSignature: '', outSignature: 's' },
      getSelfNumber: { inSignature: '', outSignature: 's' },
    },
  });

  const bus: MessageBus = dbus.sessionBus({ busAddress: address });
  bus.on('error', () => {});
  await bus.requestName(SIGNAL_BUS_NAME, dbus.NameFlag.DO_NOT_QUEUE);
  bus.export(accountPath, new Account(SIGNAL_INTERFACE));
  for (const identity of options.identities ?? []) {
    class Identity extends dbus.interface.Interface {}
    Object.assign(Identity.prototype, {
      trust: () => record(identity.path, 'trust', []) ?? void trusted.push(identity.path),
    });
    Identity.configureMembers({ methods: { trust: { inSignature: '', outSignature: '' } } });
    bus.export(identity.path, new Identity('org.asamk.Signal.Identity'));
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    bus.disconnect();
  };
  t.teardown(stop);
  return {
    calls,
    trusted,
    queue: (member, ...replies) => queues.set(member, [...(queues.get(member) ?? []), ...replies]),
    waitForCalls: (count) => (calls.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    stop,
  };
}
