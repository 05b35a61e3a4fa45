// The ssh2 transport: one connection per host, commands over exec channels, as root through
// `sudo -n` for a non-root user. A host key is never trusted blindly: it must be pinned in the
// inventory or listed in the known_hosts file the inventory names.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import type { CommandOutput } from '../facts/types.ts';
import type { Host } from '../inventory/types.ts';
import { asArgument, sh, type ShellCommand } from '../shell.ts';
import { blobType, fingerprint, hostKeyAlgorithms, lookupKnownHosts, parseKnownHosts, type KnownHostsEntry, type PublicKey } from './hostkeys.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS, TransportError, type Connector, type RunOptions, type Transport } from './types.ts';

export interface SshOptions {
  /** known_hosts file to accept keys from, besides the keys pinned per host. */
  readonly knownHostsFile?: string | null;
  /** Give up connecting (TCP, key exchange and authentication) after this long; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** The agent socket; default $SSH_AUTH_SOCK. */
  readonly agent?: string | null;
  /** Opens the byte stream to a host instead of TCP to address:port (tunnels, test fleets). */
  readonly dial?: (host: Host) => Promise<Duplex>;
}

/** Exit status `timeout` gives a command it had to stop. */
const TIMED_OUT = 124;

/** Wraps `command` to run under `sh` with a remote time limit, through `sudo -n` if needed. */
export function remoteCommand(command: ShellCommand, host: Pick<Host, 'sudo'>, timeoutMs: number): ShellCommand {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const limited = sh`timeout --kill-after=5 ${seconds} sh -c ${asArgument(command)}`;
  return host.sudo ? sh`sudo -n -- ${limited}` : limited;
}

function describeKey(key: PublicKey): string {
  return `${key.type} ${fingerprint(key.blob)}`;
}

export class SshConnector implements Connector {
  private readonly known: KnownHostsEntry[];

  constructor(private readonly options: SshOptions = {}) {
    this.known = [];
    const file = options.knownHostsFile;
    if (file) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new TransportError('host-key', `cannot read known_hosts file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      const { entries, problems } = parseKnownHosts(text);
      if (problems.length > 0) throw new TransportError('host-key', `known_hosts file ${file}: ${problems.join('; ')}`);
      this.known = entries;
    }
  }

  /** Keys accepted for `host`: pinned in the inventory, else from known_hosts; minus revoked ones. */
  acceptedKeys(host: Host): { accepted: PublicKey[]; revoked: PublicKey[]; source: string } {
    const fromFile = lookupKnownHosts(this.known, host.address, host.port);
    if (host.hostKeys.length > 0) return { accepted: [...host.hostKeys], revoked: fromFile.revoked, source: `hosts.${host.name}.host_key in the inventory` };
    return { accepted: fromFile.accepted, revoked: fromFile.revoked, source: this.options.knownHostsFile ? `known_hosts file ${this.options.knownHostsFile}` : 'the inventory (no host_key, no known_hosts file)' };
  }

  async connect(host: Host): Promise<Transport> {
    const { accepted, revoked, source } = this.acceptedKeys(host);
    const where = `${host.name} (${host.address}:${host.port})`;
    let offered: PublicKey | null = null;
    const config: ConnectConfig = {
      host: host.address,
      port: host.port,
      username: host.user,
      readyTimeout: this.options.connectTimeoutMs ?? 10_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        offered = { type: blobType(blob) ?? 'unknown', blob: Buffer.from(blob) };
        if (revoked.some((k) => k.blob.equals(blob))) return false;
        return accepted.some((k) => k.blob.equals(blob));
      },
    };
    // Ask only for key types we can verify, so a server with several keys shows the pinned one.
    const algorithms = [...new Set(accepted.flatMap((k) => hostKeyAlgorithms(k.type)))];
    if (algorithms.length > 0) config.algorithms = { serverHostKey: algorithms as ServerHostKeyAlgorithm[] };
    const agent = this.options.agent === undefined ? process.env.SSH_AUTH_SOCK : this.options.agent;
    if (agent) config.agent = agent;
    if (host.identityFile) config.privateKey = readIdentity(host.identityFile);
    if (!agent && !host.identityFile) throw new TransportError('auth', `no way to log in to ${where}: set identity_file in the inventory or start ssh-agent (SSH_AUTH_SOCK)`);
    if (this.options.dial) config.sock = await this.options.dial(host);

    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      // `on`, not `once`: ssh2 may emit a second error while closing (a dropped connection reports
      // both the protocol error and the lost socket), and an unheard 'error' event would crash.
      let failed = false;
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (failed) return;
        failed = true;
        client.end();
        reject(explainConnectError(error, where, host, offered, accepted, revoked, source));
      });
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 throws here for a key it cannot use (encrypted without a passphrase, unknown format).
        reject(new TransportError('auth', `cannot use identity_file ${host.identityFile ?? ''} for ${where}: ${(error as Error).message}; load a passphrase-protected key into ssh-agent instead`));
      }
    });
    return new SshTransport(host, client);
  }
}

function readIdentity(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TransportError('auth', `cannot read identity_file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function explainConnectError(
  error: Error & { level?: string; code?: string },
  where: string,
  host: Host,
  offered: PublicKey | null,
  accepted: readonly PublicKey[],
  revoked: readonly PublicKey[],
  source: string,
): TransportError {
  if (offered !== null && /verification failed/i.test(error.message)) {
    const got = describeKey(offered);
    if (revoked.some((k) => k.blob.equals(offered?.blob ?? Buffer.alloc(0)))) {
      return new TransportError('host-key', `REFUSED ${where}: its host key ${got} is marked @revoked in known_hosts`);
    }
    if (accepted.length === 0) {
      return new TransportError('host-key', `REFUSED ${where}: no host key is known for it (looked in ${source}); it offered ${got}. Check that fingerprint out of band (on the console: ssh-keygen -lf /etc/ssh/ssh_host_${offered.type.replace(/^ssh-/, '')}_key.pub) and pin it as host_key`);
    }
    return new TransportError(
      'host-key',
      `REFUSED ${where}: HOST KEY MISMATCH. It offered ${got} but ${source} expects ${accepted.map(describeKey).join(' or ')}. Someone may be intercepting the connection, or the host was reinstalled: verify the new fingerprint out of band before updating the inventory`,
    );
  }
  if (error.level === 'client-authentication') {
    return new TransportError('auth', `cannot log in to ${where} as ${host.user}: the server refused every key offered (${error.message})`);
  }
  if (/timed out/i.test(error.message) || error.level === 'client-timeout') {
    return new TransportError('unreachable', `cannot reach ${where}: no SSH handshake within the connect timeout`);
  }
  const code = error.code ? ` (${error.code})` : '';
  return new TransportError('unreachable', `cannot reach ${where}: ${error.message}${code}`);
}

class SshTransport implements Transport {
  private closed = false;

  constructor(
    readonly host: Host,
    private readonly client: Client,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
    client.on('error', () => {
      this.closed = true;
    });
  }

  async run(command: ShellCommand, options: RunOptions = {}): Promise<CommandOutput> {
    if (this.closed) throw new TransportError('closed', `the connection to ${this.host.name} is closed`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const remote = remoteCommand(command, this.host, timeoutMs);
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      this.client.exec(remote.text, (error, stream) => {
        if (error) reject(new TransportError('closed', `${this.host.name}: cannot start a command: ${error.message}`));
        else resolve(stream);
      });
    });
    const result = await collect(channel, options.stdin ?? null, timeoutMs + 10_000, this.host.name, command);
    if (result.exitCode === TIMED_OUT) {
      throw new TransportError('timeout', `${this.host.name}: command timed out after ${Math.ceil(timeoutMs / 1000)}s: ${command.display}`);
    }
    if (this.host.sudo && result.exitCode === 1 && /^sudo: (a password is required|a terminal is required)/m.test(result.stderr)) {
      throw new TransportError('sudo', `${this.host.name}: sudo asks ${this.host.user} for a password; fleet needs NOPASSWD sudo for that user (sudo -n)`);
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }
}

function collect(channel: ClientChannel, stdin: Buffer | null, limitMs: number, host: string, command: ShellCommand): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    // The remote `timeout` normally ends the command; this catches a dead connection too.
    const timer = setTimeout(() => {
      channel.close();
      reject(new TransportError('timeout', `${host}: no answer within ${Math.ceil(limitMs / 1000)}s: ${command.display}`));
    }, limitMs);
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('close', (code: number | null, signal?: string) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (signal ? `\n(killed by signal ${signal})` : ''),
        exitCode: code ?? 255,
      });
    });
    channel.end(stdin ?? undefined);
  });
}
