// Host public keys: parsing "type base64" lines, OpenSSH fingerprints, known_hosts lookup
// (plain, [host]:port, wildcard and hashed entries; @revoked honoured, @cert-authority skipped).
import { createHash, createHmac } from 'node:crypto';

export interface PublicKey {
  /** Key type as in the blob: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ... */
  readonly type: string;
  readonly blob: Buffer;
}

export interface KnownHostsEntry {
  readonly line: number;
  readonly marker: 'revoked' | 'cert-authority' | null;
  readonly hosts: string;
  readonly key: PublicKey;
}

/** `SHA256:...` as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The type name written at the start of an SSH key blob; null when the blob is malformed. */
export function blobType(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return null;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** Parses "ssh-ed25519 AAAA... [comment]"; returns an error message instead of throwing. */
export function parsePublicKey(text: string): PublicKey | string {
  const [type, data] = text.trim().split(/\s+/);
  if (!type || !data) return 'must be "<type> <base64 key>" as in a .pub file or known_hosts';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return `the key data of ${type} is not base64`;
  const blob = Buffer.from(data, 'base64');
  const inner = blobType(blob);
  if (inner === null) return `the ${type} key data is malformed`;
  if (inner !== type) return `the key says it is ${inner}, not ${type}`;
  return { type, blob };
}

/** The algorithms a server may use to prove it holds `type` (RSA keys sign with SHA-2 too). */
export function hostKeyAlgorithms(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/** Parses a known_hosts file; lines it cannot read are returned as problems, never ignored silently. */
export function parseKnownHosts(text: string): { entries: KnownHostsEntry[]; problems: string[] } {
  const entries: KnownHostsEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, type, data] = fields;
    const key = hosts && type && data ? parsePublicKey(`${type} ${data}`) : 'too few fields';
    if (typeof key === 'string') problems.push(`line ${index + 1}: ${key}`);
    else entries.push({ line: index + 1, marker, hosts: hosts ?? '', key });
  });
  return { entries, problems };
}

/** The name known_hosts uses for a host: `addr`, or `[addr]:port` when the port is not 22. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hashedMatch(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** Whether an entry's host field names `name` (OpenSSH rules: any positive match, no negated one). */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Keys known_hosts accepts for the host, and keys it revokes (anywhere). */
export function lookupKnownHosts(
  entries: readonly KnownHostsEntry[],
  address: string,
  port: number,
): { accepted: PublicKey[]; revoked: PublicKey[] } {
  const name = knownHostsName(address, port);
  const accepted: PublicKey[] = [];
  const revoked: PublicKey[] = [];
  for (const entry of entries) {
    if (entry.marker === 'revoked') revoked.push(entry.key);
    else if (entry.marker === null && hostsFieldMatches(entry.hosts, name)) accepted.push(entry.key);
  }
  return { accepted, revoked };
}
