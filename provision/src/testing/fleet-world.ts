// One world: the outer namespace that holds a run's bridge and hosts (scripts/fleet/world.sh).
// This module starts it, runs the simulator's scripts inside it, and takes it down again.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CLEAN_ENV, CLEAN_PATH, runArgv, type ExecOptions } from './fleet-process.ts';

/** scripts/fleet/ of this checkout: the shell side of the simulator. */
export const FLEET_SCRIPTS = fileURLToPath(new URL('../../../scripts/fleet/', import.meta.url));
/** Where world.sh registers runs, in the machine's own mount namespace. */
export const FLEET_REGISTRY = '/run/cronwarden-fleet';
/** A world's private tmpfs, as seen from inside the world. */
const WORLD_STATE = '/run/fleet';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 30_000;

type WorldProcess = ChildProcessByStdio<null, Readable, Readable>;

/** The cgroup2 hierarchy: /sys/fs/cgroup on pure cgroup2 machines, .../unified on hybrid ones. */
export function cgroupV2Root(): string {
  return existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';
}

/** Every cgroup hierarchy a run creates directories in (cgroup2, plus name=systemd on hybrid machines). */
export function cgroupRoots(): string[] {
  const v2 = cgroupV2Root();
  return v2 === '/sys/fs/cgroup' ? [v2] : [v2, '/sys/fs/cgroup/systemd'].filter((dir) => existsSync(dir));
}

export class World {
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly run: string,
    readonly pid: number,
    private readonly child: WorldProcess,
    private readonly exited: Promise<number | null>,
    private readonly stderr: () => string,
  ) {}

  /**
   * Starts world.sh for `run` and resolves once the world's PID 1 is set up.
   * The world is tied to this process: if it dies, even by SIGKILL, the world goes too.
   */
  static async start(run: string): Promise<World> {
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'TERM', '--', 'bash', path.join(FLEET_SCRIPTS, 'world.sh'), run],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: CLEAN_PATH, FLEET_PARENT: String(process.pid) } },
    );
    // Nothing here may keep a test process alive: a forgotten fleet dies with its process.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        stderr += `${error.message}\n`;
        resolve(null);
      });
      child.on('close', (code) => resolve(code));
    });
    const pid = await readWorldPid(child, exited, () => stderr);
    return new World(run, pid, child, exited, () => stderr);
  }

  /** A path inside the world's private state, reachable from the root namespace while it lives. */
  statePath(relative: string): string {
    return `/proc/${this.pid}/root${WORLD_STATE}/${relative}`;
  }

  /** Runs scripts/fleet/NAME inside the world; rejects with its output unless it exits 0. */
  script(name: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
    const argv = ['nsenter', '-t', String(this.pid), '-a', '--', 'env', '-i', ...CLEAN_ENV, `FLEET_RUN=${this.run}`,
      'bash', path.join(FLEET_SCRIPTS, name), ...args];
    return runArgv(`fleet ${this.run}: ${name}`, argv, options);
  }

  /**
   * A port on 127.0.0.1 leading to the world's socket sock/NAME (scripts/fleet/expose.sh).
   * The forwarder is a socat in the world's pid namespace: it needs nothing from this
   * process (a CLI started with spawnSync still gets through) and dies with the world.
   */
  async expose(name: string): Promise<number> {
    const argv = ['bash', path.join(FLEET_SCRIPTS, 'expose.sh'), this.run, name];
    const out = await runArgv(`fleet ${this.run}: expose ${name}`, argv);
    return Number(out.trim());
  }

  /** The argv that runs `command` in the world's namespaces (the operator's side, 10.66.0.1). */
  enterArgv(command: readonly string[]): string[] {
    return ['nsenter', '-t', String(this.pid), '-a', '--', 'env', '-i', ...CLEAN_ENV, ...command];
  }

  /** The host's systemd (its PID 1) as seen from here, or null while it is not running. */
  hostPid(host: string): number | null {
    const base = path.join(cgroupV2Root(), `fleet-${this.run}`, host);
    for (const dir of cgroupDirs(base, 3)) {
      for (const pid of readPids(path.join(dir, 'cgroup.procs'))) {
        if (isHostInit(pid)) return pid;
      }
    }
    return null;
  }

  /** What world.sh wrote on stderr (errors of the world or its cleanup), the last 20 kB. */
  log(): string {
    return this.stderr();
  }

  /**
   * Takes the world down (SIGTERM to world.sh: cgroup.kill of the run, then its cgroups and
   * registry removed) and checks that nothing of the run is left. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`fleet ${this.run}: world.sh did not finish its cleanup in ${STOP_TIMEOUT_MS} ms\n${this.stderr()}`);
    }
    const left = runLeftovers(this.run);
    if (left.length > 0) throw new Error(`fleet ${this.run}: teardown left ${left.join(', ')}\n${this.stderr()}`);
  }
}

/** Registry and cgroup directories of `run` that still exist (empty when the run is gone). */
export function runLeftovers(run: string): string[] {
  const paths = [path.join(FLEET_REGISTRY, run), ...cgroupRoots().map((root) => path.join(root, `fleet-${run}`))];
  return paths.filter((p) => existsSync(p));
}

function readWorldPid(child: WorldProcess, exited: Promise<number | null>, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let pid: number | null = null;
    let settled = false;
    const timer = setTimeout(() => fail(`no "ready" from world.sh in ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function fail(why: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`fleet: the world did not start: ${why}\n${stderr()}`));
    }
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const world = /^world (\d+)$/m.exec(buffered);
      if (world?.[1]) pid = Number(world[1]);
      if (settled || pid === null || !/^ready$/m.test(buffered)) return;
      settled = true;
      clearTimeout(timer);
      resolve(pid);
    });
    void exited.then((code) => fail(`world.sh exited with ${code}`));
  });
}

function cgroupDirs(base: string, depth: number): string[] {
  if (!existsSync(base)) return [];
  const dirs = [base];
  if (depth === 0) return dirs;
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (entry.isDirectory()) dirs.push(...cgroupDirs(path.join(base, entry.name), depth - 1));
  }
  return dirs;
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

// A host's init is PID 1 of the third pid namespace down (machine → world → host) and is
// systemd itself, not nspawn's inner child that execs it.
function isHostInit(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/) ?? [];
    return nspid.length === 3 && nspid[2] === '1' && /^Name:\s+systemd$/m.test(status);
  } catch {
    return false;
  }
}
