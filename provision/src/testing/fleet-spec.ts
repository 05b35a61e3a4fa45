// What a test asks of the simulated fleet, checked before anything boots; and whether this
// machine can simulate a fleet at all.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { CLEAN_PATH } from './fleet-process.ts';

/** One host to boot. */
export interface FleetHostSpec {
  /** Hostname, also the name other hosts resolve: [a-z][a-z0-9-], at most 12 characters. */
  name: string;
  /** Carried into the inventory as they are; the simulator itself gives roles no meaning. */
  roles?: string[];
  /** Its address on the fleet network, 10.66.0.2 to 10.66.0.254. Default: the next free from 10.66.0.11. */
  address?: string;
  /** The account the operator's key logs into. Default root; any other user gets passwordless sudo. */
  user?: string;
}

export interface ResolvedHostSpec {
  name: string;
  roles: string[];
  address: string;
  user: string;
}

/** The operator's (test process's) address on every fleet network, as the hosts see it. */
export const FLEET_OPERATOR_ADDRESS = '10.66.0.1';
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

const HOST_NAME = /^[a-z][a-z0-9-]{0,11}$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const ADDRESS = /^10\.66\.0\.(\d{1,3})$/;

/** The specs with defaults filled in; throws one error listing every problem. */
export function checkFleetSpecs(specs: readonly FleetHostSpec[]): ResolvedHostSpec[] {
  const problems: string[] = [];
  if (specs.length === 0) problems.push('no hosts');
  const names = new Set<string>();
  const taken = new Set<string>();
  specs.forEach((spec, i) => {
    const where = `hosts[${i}]`;
    if (!HOST_NAME.test(spec.name)) problems.push(`${where}: name "${spec.name}" is not [a-z][a-z0-9-] of at most 12`);
    if (names.has(spec.name)) problems.push(`${where}: name "${spec.name}" is used twice`);
    names.add(spec.name);
    if (spec.user !== undefined && !USER_NAME.test(spec.user)) problems.push(`${where}: user "${spec.user}" is not a valid user name`);
    if (spec.address === undefined) return;
    const last = Number(ADDRESS.exec(spec.address)?.[1] ?? NaN);
    if (!(last >= 2 && last <= 254)) problems.push(`${where}: address "${spec.address}" is not 10.66.0.2 to 10.66.0.254`);
    if (taken.has(spec.address)) problems.push(`${where}: address ${spec.address} is used twice`);
    taken.add(spec.address);
  });
  if (problems.length > 0) throw new Error(`fleet: bad hosts:\n  ${problems.join('\n  ')}`);
  let next = 11;
  return specs.map((spec) => {
    let address = spec.address;
    while (address === undefined) {
      const candidate = `10.66.0.${next++}`;
      if (!taken.has(candidate)) address = candidate;
    }
    taken.add(address);
    return { name: spec.name, roles: [...(spec.roles ?? [])], address, user: spec.user ?? 'root' };
  });
}

const REQUIRED_COMMANDS = [
  'systemd-nspawn', 'systemd-id128', 'systemctl', 'unshare', 'nsenter', 'setpriv', 'flock',
  'chroot', 'ip', 'socat', 'ssh-keygen', 'sshd', 'useradd', 'sudo',
];

/**
 * Why this machine cannot run a simulated fleet (for tap's `skip`), or false when it can.
 * With CW_FLEET_REQUIRED=true (CI sets it) a missing capability throws instead: the fleet
 * tests must run there, never be skipped quietly.
 */
export function fleetSkipReason(): string | false {
  const reason = missingCapability();
  if (reason && process.env.CW_FLEET_REQUIRED === 'true') {
    throw new Error(`CW_FLEET_REQUIRED=true but the simulated fleet cannot run here: ${reason}`);
  }
  return reason ?? false;
}

function missingCapability(): string | null {
  if (process.platform !== 'linux') return 'the simulated fleet needs Linux';
  if (process.getuid?.() !== 0) return 'the simulated fleet needs root (namespaces, mounts, cgroups)';
  const missing = REQUIRED_COMMANDS.filter((command) => !onPath(command));
  if (missing.length > 0) {
    return `the simulated fleet needs ${missing.join(', ')} (see .ci/run for the Debian packages)`;
  }
  if (!existsSync('/dev/net/tun')) return 'the simulated fleet needs /dev/net/tun (WireGuard in the hosts)';
  if (!existsSync('/sys/fs/cgroup/cgroup.controllers') && !existsSync('/sys/fs/cgroup/unified/cgroup.controllers')) {
    return 'the simulated fleet needs a cgroup2 hierarchy (cgroup.kill)';
  }
  return null;
}

function onPath(command: string): boolean {
  return CLEAN_PATH.split(':').some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
