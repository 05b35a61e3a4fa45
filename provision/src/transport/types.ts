import type { CommandOutput } from '../facts/types.ts';
import type { Host } from '../inventory/types.ts';
import type { ShellCommand } from '../shell.ts';

export interface RunOptions {
  /** Bytes for the command's stdin; stdin is closed after them (or at once). */
  readonly stdin?: Buffer;
  /** Kill the command after this long; default 120 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

/** A connection to one host. Commands run as root (through sudo when the host says so). */
export interface Transport {
  readonly host: Host;
  /** Runs one command; a non-zero exit is a result, not an error. Throws TransportError. */
  run(command: ShellCommand, options?: RunOptions): Promise<CommandOutput>;
  close(): Promise<void>;
}

export interface Connector {
  /** Opens a verified, authenticated connection; throws TransportError. */
  connect(host: Host): Promise<Transport>;
}

export type TransportErrorKind = 'unreachable' | 'host-key' | 'auth' | 'timeout' | 'sudo' | 'closed';

/** Why a host could not be talked to. The message says what to do about it. */
export class TransportError extends Error {
  override name = 'TransportError';

  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
  }
}
