// Secrets handed out to operators and clients: API keys, ping keys, badge keys. API keys are
// shown once and stored as sha256 digests; ping keys appear in ping URLs and are stored in clear.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export type KeyScope = 'read_write' | 'read_only' | 'account';

/**
 * Key prefixes. Healthchecks clients check that a key is 32 characters long and Healthchecks
 * itself treats `hcr_` as read-only, so project keys keep its `hcw_`/`hcr_` shapes. Account keys
 * are Cronwarden's own and get a prefix no Healthchecks key has.
 */
export const KEY_PREFIXES: Readonly<Record<KeyScope, string>> = {
  read_write: 'hcw_',
  read_only: 'hcr_',
  account: 'hca_',
};

/** Length of every API key, prefix included. */
export const API_KEY_LENGTH = 32;
/** Characters of a key kept in clear (in api_keys.prefix) so listings can tell keys apart. */
export const DISPLAY_PREFIX_LENGTH = 8;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters drawn uniformly from `alphabet` with the CSPRNG (no modulo bias). */
export function randomString(alphabet: string, length: number): string {
  let result = '';
  for (let i = 0; i < length; i += 1) result += alphabet[randomInt(alphabet.length)];
  return result;
}

export interface IssuedKey {
  /** The key itself: shown to the operator once, never stored. */
  key: string;
  scope: KeyScope;
  /** What is stored: the display prefix and the sha256 digest. */
  prefix: string;
  hash: Buffer;
}

/** A new API key of `scope`: its prefix and 28 random alphanumerics (~166 bits). */
export function issueApiKey(scope: KeyScope): IssuedKey {
  const prefix = KEY_PREFIXES[scope];
  const key = prefix + randomString(ALPHANUMERIC, API_KEY_LENGTH - prefix.length);
  return { key, scope, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * The digest stored for `key`. A plain sha256 is enough for keys with this much entropy and,
 * unlike Healthchecks' HMAC with SECRET_KEY, leaves no site secret whose rotation voids every key.
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** True when `key` has the shape of a key of `scope` (prefix and length). */
export function hasKeyShape(key: string, scope: KeyScope): boolean {
  return key.length === API_KEY_LENGTH && key.startsWith(KEY_PREFIXES[scope]);
}

/** A new ping key: 22 characters of [a-z0-9] (~113 bits), as Healthchecks makes them. */
export function newPingKey(): string {
  return randomString(LOWER_ALPHANUMERIC, 22);
}

/** A new badge key: the per-project secret that signs the project's badge URLs. */
export function newBadgeKey(): string {
  return randomString(ALPHANUMERIC, 32);
}

/** Constant-time comparison of two digests of equal length. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
