// One simulated host: commands inside it without SSH, power, link, and the wait for a boot
// to finish.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import {
  CLEAN_ENV,
  commandArgv,
  execArgv,
  FleetCommandError,
  type ExecOptions,
  type ExecResult,
} from './fleet-process.ts';
import type { World } from './fleet-world.ts';

/** Something commands can be run in: a host, or the world (the operator's side). */
export interface CommandTarget {
  /** Runs a command (a shell string, or argv) as root; resolves with its result whatever the exit code. */
  exec(command: string | readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Like exec, but rejects with FleetCommandError unless it exits 0; resolves with stdout. */
  run(command: string | readonly string[], options?: ExecOptions): Promise<string>;
}

export class HostControl implements CommandTarget {
  constructor(
    private readonly world: World,
    readonly name: string,
  ) {}

  async exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const pid = this.world.hostPid(this.name);
    if (pid === null) throw new Error(`fleet ${this.world.run}: host ${this.name} is not running`);
    return execArgv(hostArgv(pid, commandArgv(command)), options);
  }

  async run(command: string | readonly string[], options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code !== 0 || result.timedOut) {
      throw new FleetCommandError(`fleet ${this.world.run}: host ${this.name}`, commandArgv(command), result);
    }
    return result.stdout;
  }

  isRunning(): boolean {
    return this.world.hostPid(this.name) !== null;
  }

  /** A new connection to the host's sshd (port 22 at its fleet address). */
  connectSsh(): net.Socket {
    return net.connect(this.world.statePath(`sock/${this.name}.ssh`));
  }

  async stop(): Promise<void> {
    await this.world.script('host-power.sh', [this.name, 'off']);
  }

  async kill(): Promise<void> {
    await this.world.script('host-power.sh', [this.name, 'kill']);
  }

  async start(timeoutMs: number): Promise<void> {
    await this.world.script('host-boot.sh', [this.name]);
    await this.waitUntilReady(timeoutMs);
  }

  async setLink(up: boolean): Promise<void> {
    const argv = this.world.enterArgv(['ip', 'link', 'set', `vb-${this.name}`, up ? 'up' : 'down']);
    const result = await execArgv(argv);
    if (result.code !== 0) throw new FleetCommandError(`fleet ${this.world.run}: link of ${this.name}`, argv, result);
  }

  /**
   * Resolves once the host's systemd reports `running` and its sshd answers.
   * Rejects (with the failed units and the console's tail) on `degraded` or after timeoutMs.
   */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pid = await this.waitForInit(deadline);
    await this.waitForBoot(pid, deadline);
    await this.waitForSshd(deadline);
  }

  private async waitForInit(deadline: number): Promise<number> {
    for (;;) {
      const pid = this.world.hostPid(this.name);
      if (pid !== null) return pid;
      await this.checkDeadline(deadline, 'its systemd did not start');
      await sleep(20);
    }
  }

  // `is-system-running --wait` blocks until the boot transaction is done; before systemd
  // listens on its socket it answers "offline" at once, so it is retried.
  private async waitForBoot(pid: number, deadline: number): Promise<void> {
    for (;;) {
      const argv = hostArgv(pid, ['systemctl', 'is-system-running', '--wait']);
      const result = await execArgv(argv, { timeoutMs: Math.max(deadline - Date.now(), 1) });
      const state = result.stdout.trim();
      if (state === 'running') return;
      if (state === 'degraded') {
        const failed = await execArgv(hostArgv(pid, ['systemctl', '--failed', '--no-legend', '--plain']));
        throw new Error(`${this.where()} booted degraded; failed units:\n${failed.stdout}${this.consoleTail()}`);
      }
      await this.checkDeadline(deadline, `systemd is still "${state}" ${result.stderr.trim()}`);
      await sleep(50);
    }
  }

  private async waitForSshd(deadline: number): Promise<void> {
    for (;;) {
      const banner = await readBanner(this.world.statePath(`sock/${this.name}.ssh`));
      if (banner.startsWith('SSH-2.0-')) return;
      await this.checkDeadline(deadline, `sshd does not answer (${banner || 'no banner'})`);
      await sleep(50);
    }
  }

  private async checkDeadline(deadline: number, why: string): Promise<void> {
    if (Date.now() < deadline) return;
    throw new Error(`${this.where()} not ready: ${why}${this.consoleTail()}`);
  }

  private consoleTail(): string {
    try {
      const lines = readFileSync(this.world.statePath(`hosts/${this.name}/console.log`), 'utf8').split('\n');
      return `\nconsole (last 30 lines):\n${lines.slice(-30).join('\n')}`;
    } catch {
      return '';
    }
  }

  private where(): string {
    return `fleet ${this.world.run}: host ${this.name}`;
  }
}

/** The argv that runs `command` as root in every namespace of the host whose init is `pid`. */
export function hostArgv(pid: number, command: readonly string[]): string[] {
  return ['nsenter', '-t', String(pid), '-a', '--', 'env', '-i', ...CLEAN_ENV, ...command];
}

// The first line sshd sends ("SSH-2.0-OpenSSH_9.2p1 ..."), or what went wrong instead.
function readBanner(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let text = '';
    const done = (value: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(text), 2000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) done(text.split('\n')[0] ?? '');
    });
    socket.on('error', (error) => done(error.message));
    socket.on('close', () => done(text));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
