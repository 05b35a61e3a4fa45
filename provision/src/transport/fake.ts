// A transport for unit tests: no SSH. Every command is recorded (with its stdin) and answered
// by a function the test provides, usually a small simulated host.
import type { CommandOutput } from '../facts/types.ts';
import type { Host } from '../inventory/types.ts';
import type { ShellCommand } from '../shell.ts';
import { TransportError, type Connector, type RunOptions, type Transport } from './types.ts';

export interface RecordedCommand {
  readonly host: string;
  /** What was sent (secrets included: tests check what reaches the host). */
  readonly text: string;
  /** What output may show. */
  readonly display: string;
  readonly stdin: Buffer | null;
}

/** Answers one command on one host; throw TransportError to simulate a dead connection. */
export type Responder = (host: string, command: string, stdin: Buffer | null) => CommandOutput | Promise<CommandOutput>;

/** Hands out recording transports; hosts in `unreachable` fail to connect. */
export class FakeConnector implements Connector {
  readonly log: RecordedCommand[] = [];
  readonly unreachable = new Set<string>();
  readonly opened: string[] = [];
  readonly closed: string[] = [];

  constructor(private readonly respond: Responder) {}

  async connect(host: Host): Promise<Transport> {
    if (this.unreachable.has(host.name)) {
      throw new TransportError('unreachable', `cannot reach ${host.name} at ${host.address}:${host.port}: connection refused`);
    }
    this.opened.push(host.name);
    return {
      host,
      run: async (command: ShellCommand, options?: RunOptions) => {
        this.log.push({ host: host.name, text: command.text, display: command.display, stdin: options?.stdin ?? null });
        return this.respond(host.name, command.text, options?.stdin ?? null);
      },
      close: async () => {
        this.closed.push(host.name);
      },
    };
  }

  /** Commands sent to `host`, as text. */
  commands(host: string): string[] {
    return this.log.filter((c) => c.host === host).map((c) => c.text);
  }
}
