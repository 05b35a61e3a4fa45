// IPv4 helpers for the WireGuard plan (the tunnel network is IPv4, as wg-quick configs here are).
import { isIPv4 } from 'node:net';

function toInt(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** [network, prefix] of "10.99.0.0/24"; null when malformed or when host bits are set. */
export function parseCidr4(cidr: string): { network: number; prefix: number } | null {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
  if (!match || !isIPv4(match[1] ?? '')) return null;
  const prefix = Number(match[2]);
  if (prefix < 8 || prefix > 30) return null;
  const network = toInt(match[1] ?? '');
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((network & ~mask) >>> 0 !== 0) return null;
  return { network, prefix };
}

/** Whether `address` is a usable host address inside `cidr` (not the network or broadcast one). */
export function inCidr4(address: string, cidr: string): boolean {
  const parsed = parseCidr4(cidr);
  if (!parsed || !isIPv4(address)) return false;
  const size = 2 ** (32 - parsed.prefix);
  const offset = toInt(address) - parsed.network;
  return offset > 0 && offset < size - 1;
}
