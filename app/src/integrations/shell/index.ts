// Shell command: runs the direction's command on the alert server with /bin/sh, Healthchecks'
// placeholders quoted. Off unless SHELL_ENABLED=true: whoever can edit a project's channels
// can then run commands as the alert process's user.
import os from 'node:os';
import { defineIntegration } from '../define.ts';
import { TransportError } from '../types.ts';
import { commandFor, parseShellConfig } from './config.ts';
import { commandEnvironment, shellCommand } from './message.ts';
import { runShell, type RunResult } from './runner.ts';

export const shell = defineIntegration({
  kind: 'shell',
  label: 'Shell Command',
  // Each send is a process on the alert server; a few at a time is plenty.
  maxConcurrency: 4,
  parseConfig: parseShellConfig,
  isNoop: (config, direction) => commandFor(config, direction) === '',
  async send(config, notice, ctx) {
    const settings = ctx.config.integrations.shell;
    if (!settings.enabled) throw new TransportError('Shell commands are not enabled');
    let result: RunResult;
    try {
      result = await runShell(shellCommand(commandFor(config, notice.direction), notice), {
        env: commandEnvironment(notice, os.userInfo()),
        timeoutMs: settings.timeoutSeconds * 1000,
        signal: ctx.signal,
      });
    } catch (error) {
      throw new TransportError(`Command could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
    const failure = failureText(result, settings.timeoutSeconds);
    if (failure === null) return;
    ctx.log.info({ output: result.output.slice(-1000) }, 'shell command failed');
    // Retried like a webhook answering 500: a command that failed may well work later (a
    // network blip, a full disk), and delivery is at least once. Healthchecks does not retry.
    throw new TransportError(failure);
  },
});

/** Healthchecks' "Command returned exit code N", or what ended the command; null for exit code 0. */
export function failureText(result: RunResult, timeoutSeconds: number): string | null {
  if (result.aborted) return 'Command stopped: the send was aborted (the engine is shutting down)';
  if (result.timedOut) return `Command timed out after ${timeoutSeconds} second${timeoutSeconds === 1 ? '' : 's'}`;
  if (result.code === 0) return null;
  if (result.code !== null) return `Command returned exit code ${result.code}`;
  return `Command was killed by signal ${result.signal ?? 'unknown'}`;
}
