// Running the simulator's commands: nsenter into a world or a host, collect the output,
// kill the whole process group on timeout.
import { spawn } from 'node:child_process';

/** What a command did: exit code (null when killed), the signal that killed it, its output. */
export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the command ran past its timeout and was killed. */
  timedOut: boolean;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed (default: empty stdin). */
  input?: string | Buffer;
  /** Kill the command (and everything it started in its process group) after this long. Default 60 s. */
  timeoutMs?: number;
}

/** A command that exited non-zero (or timed out); the message carries its argv and output. */
export class FleetCommandError extends Error {
  constructor(
    readonly where: string,
    readonly command: readonly string[],
    readonly result: ExecResult,
  ) {
    const status = result.timedOut
      ? 'timed out'
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with ${result.code}`;
    super(
      `${where}: ${JSON.stringify(command)} ${status}` +
        (result.stderr ? `\nstderr: ${result.stderr.trimEnd()}` : '') +
        (result.stdout ? `\nstdout: ${result.stdout.trimEnd()}` : ''),
    );
    this.name = 'FleetCommandError';
  }
}

// Every simulator command runs with this environment only: no PATH entries from the test
// runner (pyenv shims, node_modules/.bin) leak into a host.
export const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const CLEAN_ENV = ['LANG=C.UTF-8', 'HOME=/root', `PATH=${CLEAN_PATH}`];

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs argv to completion and collects its output; never rejects for a non-zero exit.
 * The command gets its own process group, so a timeout kills what it started as well.
 */
export function execArgv(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('execArgv: empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: CLEAN_PATH, LANG: 'C.UTF-8' },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {}); // a command that never reads its stdin: EPIPE is fine
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Like execArgv, but rejects with FleetCommandError unless the command exits 0; returns stdout. */
export async function runArgv(where: string, argv: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await execArgv(argv, options);
  if (result.code !== 0 || result.timedOut) throw new FleetCommandError(where, argv, result);
  return result.stdout;
}

/** The argv for a command given as a shell string or as argv already. */
export function commandArgv(command: string | readonly string[]): readonly string[] {
  return typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
