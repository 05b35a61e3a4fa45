// Typed reading of environment variables, collecting every problem instead of stopping at the
// first, and the address ranges some of them hold (TRUSTED_PROXIES, INTEGRATIONS_ALLOWED_NETWORKS).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Cidr {
  readonly family: 4 | 6;
  /** Address as a big integer, masked to the prefix. */
  readonly network: bigint;
  readonly prefix: number;
}

/** Reads typed values, collecting problems instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** A secret from NAME, or from the file named by NAME_FILE (which wins, as in Healthchecks). */
  secret(name: string): string | null {
    const file = this.raw(`${name}_FILE`);
    if (file !== undefined) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (error) {
        this.problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
        return null;
      }
    }
    return this.raw(name) ?? null;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    this.problems.push(`${name}: must be exactly "true" or "false", got ${JSON.stringify(value)}`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return Number(value);
  }

  /** An integer, or "None" (Healthchecks' spelling) for no limit. */
  integerOrNone(name: string, fallback: number, min: number, max: number): number | null {
    return this.raw(name) === 'None' ? null : this.integer(name, fallback, min, max);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return fallback;
  }

  /** A URL; the fallback is not validated again (it is derived from values already checked). */
  url(name: string, fallback: string, options: { trailingSlash?: boolean } = {}): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problems.push(`${name}: not a valid URL: ${JSON.stringify(value)}`);
      return '';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.problems.push(`${name}: must start with http:// or https://, got ${JSON.stringify(value)}`);
    }
    if (options.trailingSlash) {
      if (!value.endsWith('/')) this.problems.push(`${name}: must end with a slash, got ${JSON.stringify(value)}`);
      return value;
    }
    return value.replace(/\/+$/, '');
  }

  /** Comma-separated email addresses (Healthchecks' ADMINS); none when unset. */
  emails(name: string): string[] {
    const addresses = (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const address of addresses) {
      if (!/^[^\s@<>,]+@[^\s@<>,]+$/.test(address)) this.problems.push(`${name}: not an email address: ${JSON.stringify(address)}`);
    }
    return addresses;
  }

  cidrs(name: string, fallback: string): Cidr[] {
    const value = this.raw(name) ?? fallback;
    const result: Cidr[] = [];
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const cidr = parseCidr(item);
      if (cidr) result.push(cidr);
      else this.problems.push(`${name}: not an IP address or CIDR range: ${JSON.stringify(item)}`);
    }
    return result;
  }
}

/** Parses "10.0.0.0/8", "::1/128" or a bare address; null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText] = text.split('/');
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    return null;
  }
  return { family, prefix, network: mask(addressToBigInt(address, family), bits, prefix) };
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the ranges. */
export function inRanges(address: string, ranges: readonly Cidr[]): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  const family = isIP(candidate);
  if (family !== 4 && family !== 6) return false;
  const bits = family === 4 ? 32 : 128;
  const value = addressToBigInt(candidate, family);
  return ranges.some((r) => r.family === family && mask(value, bits, r.prefix) === r.network);
}

function mask(value: bigint, bits: number, prefix: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function addressToBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  let text = address;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded?.[1]) {
    const v4 = addressToBigInt(embedded[1], 4);
    text = `${text.slice(0, -embedded[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
