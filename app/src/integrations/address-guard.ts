// Which addresses integrations may connect to. A webhook URL is chosen by a user, so without
// a guard it could reach the metadata service, the database or an admin port on the private
// network. The guard is applied to the address a socket is about to connect to (after DNS,
// on every redirect hop), as Healthchecks does with libcurl's OPENSOCKETFUNCTION.
import { inRanges, parseCidr, type Cidr } from '../env.ts';

// Private, loopback, link-local, shared (CGNAT), documentation, benchmarking, multicast and
// reserved ranges, in both families; IPv4-mapped and NAT64 IPv6 addresses can reach IPv4
// hosts, so they are refused whole (an operator can allow a range explicitly).
const PRIVATE_RANGES: readonly Cidr[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
  '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23',
  '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8',
].map((text) => {
  const cidr = parseCidr(text);
  if (cidr === null) throw new Error(`bad built-in range ${text}`);
  return cidr;
});

export interface AddressPolicy {
  /** INTEGRATIONS_ALLOW_PRIVATE_IPS: every address is allowed. */
  readonly allowPrivateIps: boolean;
  /** INTEGRATIONS_ALLOWED_NETWORKS: private ranges allowed anyway. */
  readonly allowedNetworks: readonly Cidr[];
}

/** True for addresses in a private, loopback, link-local, multicast or reserved range. */
export function isPrivateAddress(address: string): boolean {
  // inRanges reads "::ffff:1.2.3.4" as the IPv4 address; the mapped range covers the hex form.
  return inRanges(address, PRIVATE_RANGES);
}

/** Whether an integration may connect to `address` (an IP, without brackets). */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  return policy.allowPrivateIps || !isPrivateAddress(address) || inRanges(address, policy.allowedNetworks);
}
