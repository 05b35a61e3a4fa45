import type { ShellCommand } from '../shell.ts';

/** What a command left behind on the host. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A fact command's output was not what its parser expects: the host is not as assumed. */
export class FactError extends Error {
  override name = 'FactError';
}

/**
 * A fact: a read-only command and a pure parser of its output. Reading a fact never changes
 * the host, so plan can read every fact and apply can read them again.
 */
export interface Fact<T> {
  /** Same key, same command: a gathering pass runs each key once. */
  readonly key: string;
  readonly command: ShellCommand;
  /** Throws FactError on output it does not understand. */
  parse(output: CommandOutput): T;
}

/** Throws a FactError quoting what the command printed (trimmed), for unexpected output. */
export function unexpected(what: string, output: CommandOutput): never {
  const said = (output.stderr.trim() || output.stdout.trim()).slice(0, 300);
  throw new FactError(`${what}: exit ${output.exitCode}${said ? `: ${said}` : ''}`);
}
