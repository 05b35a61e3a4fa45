// The simulated fleet for tests: real hosts (systemd as PID 1, own /etc and network, sshd)
// booted with systemd-nspawn inside a private "world" namespace. See docs/fleet-simulator.md.
//
//   t.test('...', { skip: fleetSkipReason() }, async (t) => {
//     const fleet = await startFleet(t, { hosts: [{ name: 'app1', roles: ['app'] }, { name: 'db1' }] });
//     const inventory = fleet.inventory();   // 127.0.0.1:<port> per host, user, host key
//     await fleet.host('db1').run('systemctl is-active ssh');
//   });
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { HostControl, type CommandTarget } from './fleet-host.ts';
import { commandArgv, execArgv, FleetCommandError, type ExecOptions, type ExecResult } from './fleet-process.ts';
import { checkFleetSpecs, DEFAULT_READY_TIMEOUT_MS, type FleetHostSpec, type ResolvedHostSpec } from './fleet-spec.ts';
import { World } from './fleet-world.ts';

export { FleetCommandError, type ExecOptions, type ExecResult } from './fleet-process.ts';
export { fleetSkipReason, FLEET_OPERATOR_ADDRESS, type FleetHostSpec } from './fleet-spec.ts';
export type { CommandTarget } from './fleet-host.ts';

export interface FleetOptions {
  hosts: FleetHostSpec[];
  /** How long each host may take to boot to `running` with sshd answering. Default 60 s. */
  readyTimeoutMs?: number;
}

/** How to reach one host over SSH and know it: plain data, what an inventory holds. */
export interface FleetInventoryHost {
  name: string;
  roles: string[];
  /** The host's address on the fleet's network (10.66.0.x): what other hosts use to reach it. */
  address: string;
  /** Where the test process (and anything it starts) reaches the host's sshd. */
  ssh: { host: string; port: number; user: string };
  /** The host's SSH public key, `ssh-ed25519 AAAA...`, made fresh for this run. */
  hostKey: string;
  /** `SHA256:...`, as OpenSSH prints it. */
  hostKeyFingerprint: string;
}

export interface FleetInventory {
  run: string;
  /** The operator's key pair: every host accepts it for its `ssh.user`. */
  operator: { privateKeyPath: string; publicKey: string };
  hosts: FleetInventoryHost[];
}

export interface FleetHost extends FleetInventoryHost, CommandTarget {
  /** A fresh connection to the host's sshd, for ssh2's `sock` option. */
  connectSsh(): Socket;
  /** Clean shutdown (the host's systemd powers off); its disk is kept for start(). */
  stop(): Promise<void>;
  /** Pulls the plug: every process of the host dies at once; its disk is kept for start(). */
  kill(): Promise<void>;
  /** Boots a stopped or killed host again and waits until it is ready. */
  start(): Promise<void>;
  /** Unplugs the host from the fleet's network: SSH to it times out. A reboot plugs it back. */
  cutLink(): Promise<void>;
  restoreLink(): Promise<void>;
  isRunning(): boolean;
}

/** The operator's side of the fleet network (10.66.0.1): curl, psql or ssh to the hosts. */
export interface FleetWorld extends CommandTarget {
  /** The world's PID 1 as seen from the test process. */
  pid: number;
  /** A port on 127.0.0.1 leading to address:port on the fleet's network (e.g. HAProxy's :80). */
  forward(address: string, port: number): Promise<{ host: string; port: number }>;
}

export interface Fleet {
  /** This run's name: its cgroups are fleet-<run>, its registry /run/cronwarden-fleet/<run>. */
  run: string;
  hosts: FleetHost[];
  /** The host named `name`; throws for an unknown name. */
  host(name: string): FleetHost;
  operator: { privateKey: string; publicKey: string; privateKeyPath: string };
  world: FleetWorld;
  /** Plain data for the provisioning engine's inventory (no functions, JSON-serialisable). */
  inventory(): FleetInventory;
  /** known_hosts lines for the hosts' SSH endpoints (`[127.0.0.1]:port ssh-ed25519 ...`). */
  knownHosts(): string;
  /** Tears everything down and checks nothing is left; t.teardown calls it. Safe to call twice. */
  stop(): Promise<void>;
}

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

/**
 * Boots `options.hosts` in a new world and resolves when every host runs systemd with
 * nothing failed and sshd answering. Everything goes at t.teardown, or when this process
 * dies, even by SIGKILL. Rejects on bad specs (every problem listed) or a host that does
 * not come up (with its failed units and console).
 */
export async function startFleet(t: TestLike, options: FleetOptions): Promise<Fleet> {
  const specs = checkFleetSpecs(options.hosts);
  const run = `t${process.pid}-${randomBytes(3).toString('hex')}`;
  const world = await World.start(run);
  const stop = () => world.stop();
  t.teardown(stop);
  try {
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const hosts = await bootHosts(world, specs, timeoutMs);
    return assemble(world, hosts, stop);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

async function bootHosts(world: World, specs: ResolvedHostSpec[], timeoutMs: number): Promise<FleetHost[]> {
  const names = specs.map((s) => `${s.address} ${s.name}`).join('\n');
  // Truncated in place, not replaced: the world's /etc/hosts is a bind mount of this file.
  writeFileSync(world.statePath('etc-hosts'), `127.0.0.1 localhost\n${names}\n`);
  await Promise.all(specs.map((s) => world.script('host-up.sh', [s.name, s.address, s.user])));
  return Promise.all(
    specs.map(async (spec) => {
      const control = new HostControl(world, spec.name);
      await control.waitUntilReady(timeoutMs);
      const port = await world.expose(`${spec.name}.ssh`);
      const hostKey = readFileSync(world.statePath(`hosts/${spec.name}/host_key.pub`), 'utf8').trim().split(' ');
      return makeHost(control, spec, `${hostKey[0]} ${hostKey[1]}`, port, timeoutMs);
    }),
  );
}

function makeHost(control: HostControl, spec: ResolvedHostSpec, hostKey: string, port: number, timeoutMs: number): FleetHost {
  return {
    name: spec.name,
    roles: [...spec.roles],
    address: spec.address,
    ssh: { host: '127.0.0.1', port, user: spec.user },
    hostKey,
    hostKeyFingerprint: fingerprint(hostKey),
    exec: (command, options) => control.exec(command, options),
    run: (command, options) => control.run(command, options),
    connectSsh: () => control.connectSsh(),
    stop: () => control.stop(),
    kill: () => control.kill(),
    start: () => control.start(timeoutMs),
    cutLink: () => control.setLink(false),
    restoreLink: () => control.setLink(true),
    isRunning: () => control.isRunning(),
  };
}

function assemble(world: World, hosts: FleetHost[], stop: () => Promise<void>): Fleet {
  const operator = {
    privateKey: readFileSync(world.statePath('op/id_ed25519'), 'utf8'),
    publicKey: readFileSync(world.statePath('op/id_ed25519.pub'), 'utf8').trim(),
    privateKeyPath: world.statePath('op/id_ed25519'),
  };
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return {
    run: world.run,
    hosts,
    host(name) {
      const host = byName.get(name);
      if (!host) throw new Error(`fleet ${world.run}: no host ${name} (hosts: ${[...byName.keys()].join(', ')})`);
      return host;
    },
    operator,
    world: makeWorld(world),
    inventory: () => ({
      run: world.run,
      operator: { privateKeyPath: operator.privateKeyPath, publicKey: operator.publicKey },
      hosts: hosts.map((h) => ({
        name: h.name,
        roles: [...h.roles],
        address: h.address,
        ssh: { ...h.ssh },
        hostKey: h.hostKey,
        hostKeyFingerprint: h.hostKeyFingerprint,
      })),
    }),
    knownHosts: () => hosts.map((h) => `[${h.ssh.host}]:${h.ssh.port} ${h.hostKey}\n`).join(''),
    stop,
  };
}

function makeWorld(world: World): FleetWorld {
  const forwards = new Map<string, Promise<{ host: string; port: number }>>();
  const exec = (command: string | readonly string[], options?: ExecOptions) =>
    execArgv(world.enterArgv(commandArgv(command)), options);
  return {
    pid: world.pid,
    exec,
    async run(command, options) {
      const result = await exec(command, options);
      if (result.code === 0 && !result.timedOut) return result.stdout;
      throw new FleetCommandError(`fleet ${world.run}: world`, commandArgv(command), result);
    },
    forward(address, port) {
      if (!/^10\.66\.0\.\d{1,3}$/.test(address) || !Number.isInteger(port) || port < 1 || port > 65535) {
        return Promise.reject(new Error(`fleet ${world.run}: cannot forward to ${address}:${port} (want 10.66.0.x and a port)`));
      }
      const name = `fwd-${address}-${port}`;
      let forward = forwards.get(name);
      if (!forward) {
        forward = (async () => {
          await world.script('forward.sh', [name, address, String(port)]);
          return { host: '127.0.0.1', port: await world.expose(name) };
        })();
        forwards.set(name, forward);
      }
      return forward;
    },
  };
}

/** `SHA256:<base64 without padding>` of an OpenSSH public key line, as ssh-keygen -l prints it. */
export function fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
