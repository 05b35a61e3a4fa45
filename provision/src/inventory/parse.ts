// YAML inventory → typed Inventory. Every problem is collected with its location (file and key
// path) and reported at once; nothing is half-loaded.
import { isIP } from 'node:net';
import path from 'node:path';
import { load, YAMLException } from 'js-yaml';
import { MIN_SECRET_LENGTH, Secret, type SecretSource } from '../secrets.ts';
import { parsePublicKey, type PublicKey } from '../transport/hostkeys.ts';
import { inCidr4, parseCidr4 } from './net.ts';
import { isMapping, Reader, type Path } from './reader.ts';
import {
  InventoryError,
  SERVER_ROLES,
  type Host,
  type Inventory,
  type ServerRole,
  type VarMap,
  type VarValue,
  type WireGuardPlan,
} from './types.ts';

const TOP_KEYS = ['defaults', 'known_hosts', 'secrets', 'wireguard', 'vars', 'roles', 'hosts'];
const DEFAULT_KEYS = ['user', 'port', 'identity_file', 'sudo'];
const HOST_KEYS = ['address', 'port', 'user', 'identity_file', 'sudo', 'host_key', 'host_keys', 'roles', 'vars', 'wireguard'];
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export interface ParseOptions {
  /** Path of the inventory file (for messages and to resolve relative paths). */
  file: string;
  /** Resolves `{ secret: name }` variables. */
  secrets: SecretSource;
}

/** Parses inventory YAML; throws one InventoryError listing every problem. */
export function parseInventory(source: string, options: ParseOptions): Inventory {
  const file = path.resolve(options.file);
  const reader = new Reader(path.basename(file));
  let data: unknown;
  try {
    data = load(source);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const where = error.mark ? `line ${error.mark.line + 1}, column ${error.mark.column + 1}: ` : '';
    throw new InventoryError([`${path.basename(file)}: ${where}${error.reason}`]);
  }
  const top = reader.mapping(data, [], TOP_KEYS);
  const dir = path.dirname(file);
  const resolve = (p: string | null) => (p === null ? null : path.resolve(dir, p.replace(/^~(?=\/)/, process.env.HOME ?? '~')));
  const vars = new VarsReader(reader, options.secrets);

  const defaults = reader.mapping(top.defaults, ['defaults'], DEFAULT_KEYS);
  const defaultUser = reader.string(defaults.user, ['defaults', 'user'], { pattern: USER, hint: 'must be a user name' }) ?? 'root';
  const defaultPort = reader.integer(defaults.port, ['defaults', 'port'], 1, 65535) ?? 22;
  const defaultIdentity = reader.string(defaults.identity_file, ['defaults', 'identity_file']);
  const defaultSudo = reader.boolean(defaults.sudo, ['defaults', 'sudo']);

  const globalVars = vars.map(top.vars, ['vars']);
  const roleVars = readRoles(reader, vars, top.roles);
  const wireguard = readWireGuard(reader, top.wireguard);
  const hostsData = reader.mapping(top.hosts, ['hosts']);
  if (Object.keys(hostsData).length === 0) reader.problem(['hosts'], 'must list at least one host');

  const hosts: Host[] = [];
  for (const [name, value] of Object.entries(hostsData)) {
    const at: Path = ['hosts', name];
    if (!NAME.test(name)) reader.problem(at, 'host names are lowercase letters, digits and dashes, starting with a letter');
    const h = reader.mapping(value, at, HOST_KEYS);
    const address = reader.string(h.address, [...at, 'address'], { required: true });
    if (address !== null && !isIP(address) && !/^[A-Za-z0-9.-]+$/.test(address)) {
      reader.problem([...at, 'address'], `must be an IP address or a DNS name, got ${JSON.stringify(address)}`);
    }
    const user = reader.string(h.user, [...at, 'user'], { pattern: USER, hint: 'must be a user name' }) ?? defaultUser;
    const roles = readHostRoles(reader, h.roles, [...at, 'roles']);
    const hostVars = vars.map(h.vars, [...at, 'vars']);
    let layered: VarMap = globalVars;
    for (const role of roles) layered = mergeVars(layered, roleVars[role] ?? {});
    layered = mergeVars(layered, hostVars);
    hosts.push({
      name,
      address: address ?? '',
      port: reader.integer(h.port, [...at, 'port'], 1, 65535) ?? defaultPort,
      user,
      sudo: reader.boolean(h.sudo, [...at, 'sudo']) ?? defaultSudo ?? user !== 'root',
      identityFile: resolve(reader.string(h.identity_file, [...at, 'identity_file']) ?? defaultIdentity),
      hostKeys: readHostKeys(reader, h, at),
      roles,
      vars: layered,
      wireguardAddress: readHostWireGuard(reader, h.wireguard, [...at, 'wireguard'], wireguard),
    });
  }
  checkUnique(reader, hosts);
  const secrets = reader.mapping(top.secrets, ['secrets'], ['file']);
  void secrets; // read by loadInventory before parsing; listed here so the key is known
  if (reader.problems.length > 0) throw new InventoryError(reader.problems);
  return Object.freeze({
    file,
    hosts: Object.freeze(hosts),
    knownHostsFile: resolve(reader.string(top.known_hosts, ['known_hosts'])),
    wireguard,
    secrets: options.secrets,
    warnings: warnings(wireguard),
  });
}

/**
 * `over` layered on `base`: mappings merge key by key, anything else (lists too) is replaced
 * by the more specific layer.
 */
export function mergeVars(base: VarMap, over: VarMap): VarMap {
  const out: Record<string, VarValue> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isVarMap(below) && isVarMap(value) ? mergeVars(below, value) : value;
  }
  return out;
}

function isVarMap(value: VarValue | undefined): value is VarMap {
  return isMapping(value) && !(value instanceof Secret);
}

function warnings(wireguard: WireGuardPlan | null): string[] {
  // April 2022: the provider throttled UDP on ports >= 9000 during a DDoS and the tunnels crawled.
  if (wireguard && wireguard.port >= 9000) {
    return [`wireguard.port ${wireguard.port} is 9000 or above: some providers throttle such UDP ports under attack`];
  }
  return [];
}

function readRoles(reader: Reader, vars: VarsReader, value: unknown): Partial<Record<ServerRole, VarMap>> {
  const roles = reader.mapping(value, ['roles'], SERVER_ROLES);
  const out: Partial<Record<ServerRole, VarMap>> = {};
  for (const role of SERVER_ROLES) {
    const r = reader.mapping(roles[role], ['roles', role], ['vars']);
    out[role] = vars.map(r.vars, ['roles', role, 'vars']);
  }
  return out;
}

function readHostRoles(reader: Reader, value: unknown, at: Path): ServerRole[] {
  const roles: ServerRole[] = [];
  reader.list(value, at).forEach((item, i) => {
    const role = reader.oneOf(item, [...at, i], SERVER_ROLES);
    if (role && roles.includes(role)) reader.problem([...at, i], `role ${role} is listed twice`);
    else if (role) roles.push(role);
  });
  return roles;
}

function readHostKeys(reader: Reader, h: Record<string, unknown>, at: Path): PublicKey[] {
  const texts: [unknown, Path][] = [];
  if (h.host_key !== undefined) texts.push([h.host_key, [...at, 'host_key']]);
  reader.list(h.host_keys, [...at, 'host_keys']).forEach((k, i) => texts.push([k, [...at, 'host_keys', i]]));
  const keys: PublicKey[] = [];
  for (const [value, where] of texts) {
    const text = reader.string(value, where);
    if (text === null) continue;
    const key = parsePublicKey(text);
    if (typeof key === 'string') reader.problem(where, key);
    else keys.push(key);
  }
  return keys;
}

function readWireGuard(reader: Reader, value: unknown): WireGuardPlan | null {
  if (value === undefined || value === null) return null;
  const at: Path = ['wireguard'];
  const wg = reader.mapping(value, at, ['interface', 'port', 'network', 'tiers']);
  const iface = reader.string(wg.interface, [...at, 'interface'], { pattern: /^[a-z][a-z0-9]{0,14}$/, hint: 'must be an interface name such as wg0' }) ?? 'wg0';
  const port = reader.integer(wg.port, [...at, 'port'], 1, 65535) ?? 51820;
  const network = reader.string(wg.network, [...at, 'network'], { required: true });
  if (network !== null && parseCidr4(network) === null) {
    reader.problem([...at, 'network'], `must be an IPv4 network such as 10.99.0.0/24 (prefix 8 to 30, no host bits), got ${JSON.stringify(network)}`);
  }
  const tiersData = reader.mapping(wg.tiers, [...at, 'tiers'], SERVER_ROLES);
  const tiers = {} as Record<ServerRole, ServerRole[]>;
  for (const role of SERVER_ROLES) {
    tiers[role] = reader.list(tiersData[role], [...at, 'tiers', role]).flatMap((item, i) => reader.oneOf(item, [...at, 'tiers', role, i], SERVER_ROLES) ?? []);
  }
  for (const role of SERVER_ROLES) {
    for (const peer of tiers[role]) {
      if (!tiers[peer].includes(role)) {
        reader.problem([...at, 'tiers', peer], `${role} may reach ${peer} but ${peer} does not list ${role}: a tunnel works both ways or not at all`);
      }
    }
  }
  return { interface: iface, port, network: network ?? '', tiers };
}

function readHostWireGuard(reader: Reader, value: unknown, at: Path, plan: WireGuardPlan | null): string | null {
  if (value === undefined || value === null) return null;
  const wg = reader.mapping(value, at, ['address']);
  const address = reader.string(wg.address, [...at, 'address'], { required: true });
  if (address === null) return null;
  if (plan === null) reader.problem(at, 'the host is on WireGuard but the inventory has no top-level wireguard section');
  else if (plan.network !== '' && !inCidr4(address, plan.network)) reader.problem([...at, 'address'], `${address} is not a host address in ${plan.network}`);
  return address;
}

function checkUnique(reader: Reader, hosts: readonly Host[]): void {
  const seen = new Map<string, string>();
  for (const host of hosts) {
    for (const [kind, key] of [
      ['SSH endpoint', `${host.address}:${host.port}`],
      ['WireGuard address', host.wireguardAddress],
    ] as const) {
      if (key === null) continue;
      const other = seen.get(`${kind} ${key}`);
      if (other) reader.problem(['hosts', host.name], `same ${kind} (${key}) as host ${other}`);
      else seen.set(`${kind} ${key}`, host.name);
    }
  }
}

/** Reads variables: plain YAML values, with `{ secret: name }` resolved through the secret source. */
class VarsReader {
  constructor(
    private readonly reader: Reader,
    private readonly secrets: SecretSource,
  ) {}

  map(value: unknown, at: Path): VarMap {
    const data = this.reader.mapping(value, at);
    const out: Record<string, VarValue> = {};
    for (const [key, item] of Object.entries(data)) {
      if (!VAR_NAME.test(key)) {
        this.reader.problem([...at, key], 'variable names are letters, digits and underscores, not starting with a digit');
        continue;
      }
      out[key] = this.value(item, [...at, key]);
    }
    return out;
  }

  private value(value: unknown, at: Path): VarValue {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) this.reader.problem(at, 'must be a finite number');
      return value;
    }
    if (Array.isArray(value)) return value.map((item, i) => this.value(item, [...at, i]));
    if (isMapping(value)) {
      if (Object.keys(value).length === 1 && 'secret' in value) return this.secret(value.secret, at);
      const out: Record<string, VarValue> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.value(item, [...at, key]);
      return out;
    }
    this.reader.problem(at, `unsupported value ${String(value)}`);
    return null;
  }

  private secret(name: unknown, at: Path): VarValue {
    const secretName = this.reader.string(name, [...at, 'secret'], { required: true, pattern: VAR_NAME, hint: 'must be a secret name' });
    if (secretName === null) return null;
    const secret = this.secrets.get(secretName);
    if (secret === null) {
      this.reader.problem(at, `secret ${JSON.stringify(secretName)} is not in the secret source`);
      return null;
    }
    if (secret.reveal().length < MIN_SECRET_LENGTH) {
      this.reader.problem(at, `secret ${JSON.stringify(secretName)} is shorter than ${MIN_SECRET_LENGTH} characters (too short to redact from output reliably)`);
    }
    return secret;
  }
}
