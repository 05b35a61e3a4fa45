// A minimal ssh2 client for tests that check a simulated host over SSH, independently of the
// provisioning engine's own transport. It verifies the host key against the fleet's, always.
import type { Readable } from 'node:stream';
import ssh2 from 'ssh2';
import type { ExecResult } from './fleet-process.ts';

/** How to reach and authenticate one host: its inventory entry plus the operator's key. */
export interface SshTarget {
  ssh: { host: string; port: number; user: string };
  hostKey: string;
}

export interface SshOptions {
  /** Use this connection instead of TCP to target.ssh (e.g. `fleetHost.connectSsh()`). */
  sock?: Readable;
  /** Give up connecting after this long (ssh2's readyTimeout). Default 20 s. */
  readyTimeoutMs?: number;
}

/**
 * Connects as target.ssh.user with `privateKey`, runs `command`, disconnects.
 * Rejects when the host presents any key other than target.hostKey, or cannot be reached.
 */
export function sshExec(target: SshTarget, privateKey: string, command: string, options: SshOptions = {}): Promise<ExecResult> {
  const expected = Buffer.from(target.hostKey.split(' ')[1] ?? '', 'base64');
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (error, channel) => {
        if (error) {
          client.end();
          reject(error);
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let code: number | null = null;
        let signal: NodeJS.Signals | null = null;
        channel.on('data', (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal ? (`SIG${exitSignal}` as NodeJS.Signals) : null;
        });
        channel.on('close', () => {
          client.end();
          resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), timedOut: false });
        });
      });
    });
    client.connect({
      host: target.ssh.host,
      port: target.ssh.port,
      username: target.ssh.user,
      privateKey,
      sock: options.sock,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      hostVerifier: (key: Buffer) => key.equals(expected),
    });
  });
}
