import type { Secret, SecretSource } from '../secrets.ts';
import type { PublicKey } from '../transport/hostkeys.ts';

/** What a server does in the fleet. Provisioning roles are chosen from these. */
export const SERVER_ROLES = ['lb', 'app', 'db'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

/** A variable's value. Secrets stay opaque until a renderer or the shell helper needs the bytes. */
export type VarValue = string | number | boolean | null | Secret | readonly VarValue[] | VarMap;
export interface VarMap {
  readonly [key: string]: VarValue;
}

export interface Host {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Commands run through `sudo -n` (a user other than root; NOPASSWD required). */
  readonly sudo: boolean;
  /** Private key file; null uses the SSH agent ($SSH_AUTH_SOCK). */
  readonly identityFile: string | null;
  /** Keys the inventory pins for this host; [] means look in known_hosts. */
  readonly hostKeys: readonly PublicKey[];
  readonly roles: readonly ServerRole[];
  /** Variables after layering: global, then each role in order, then the host's own. */
  readonly vars: VarMap;
  /** This host's address on the WireGuard network; null when it is not on it. */
  readonly wireguardAddress: string | null;
}

/** The WireGuard network and which roles may reach which (a role absent from a list may not). */
export interface WireGuardPlan {
  readonly interface: string;
  readonly port: number;
  /** CIDR, for example 10.99.0.0/24. */
  readonly network: string;
  readonly tiers: Readonly<Record<ServerRole, readonly ServerRole[]>>;
}

export interface Inventory {
  /** Absolute path of the inventory file; relative paths in it are resolved from its folder. */
  readonly file: string;
  readonly hosts: readonly Host[];
  /** A known_hosts file to verify host keys against, besides the keys pinned per host. */
  readonly knownHostsFile: string | null;
  readonly wireguard: WireGuardPlan | null;
  readonly secrets: SecretSource;
  /** Things that are allowed but probably wrong (printed by plan, apply and doctor). */
  readonly warnings: readonly string[];
}

export class InventoryError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid inventory:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InventoryError';
  }
}
