// Runs one shell command for the shell integration: /bin/sh -c in its own process group, with
// a clean environment, a deadline, and the whole group killed when the deadline passes or the
// engine shuts down. The outcome is reported, never thrown, except when sh cannot start.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** The command's environment, exactly (nothing is inherited from this process). */
  readonly env: Readonly<Record<string, string>>;
  /** After this the process group gets SIGTERM, and SIGKILL `killGraceMs` later. */
  readonly timeoutMs: number;
  /** Aborting it kills the process group the same way. */
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  readonly cwd?: string;
}

export interface RunResult {
  /** The shell's exit code; null when it was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The deadline passed and the group was killed. */
  readonly timedOut: boolean;
  /** The caller's signal was aborted and the group was killed. */
  readonly aborted: boolean;
  /** The last OUTPUT_LIMIT bytes of stdout and stderr, interleaved, for the log. */
  readonly output: string;
}

export const OUTPUT_LIMIT = 4096;
const DRAIN_MS = 100;

/**
 * Runs `command` with `/bin/sh -c`. Resolves when the shell exits: processes it left running
 * in the background are not waited for (as with cron), unless the deadline or the abort
 * signal ends the command, in which case its whole process group is killed.
 */
export function runShell(command: string, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      // Its own process group (setsid): a kill reaches everything it started, not just sh.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...options.env },
      cwd: options.cwd ?? '/',
    });
    let output = Buffer.alloc(0);
    const collect = (chunk: Buffer) => {
      output = Buffer.concat([output, chunk]);
      if (output.length > OUTPUT_LIMIT) output = output.subarray(output.length - OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is gone already.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 2000);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error) => {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    let drain: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Killed on purpose: whatever ignored SIGTERM goes now, so nothing outlives the deadline.
      if (timedOut || aborted) killGroup('SIGKILL');
      // The last output may still be in the pipes; read it briefly, then stop: a process left
      // in the background may hold them open for hours.
      drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, DRAIN_MS);
    });
    child.once('close', (code, signal) => {
      clearTimeout(drain);
      resolve({ code, signal, timedOut, aborted, output: output.toString('utf8') });
    });
  });
}
