// What a ping request means, decided from the request alone (Healthchecks' hc/api/urls.py and
// the first half of hc/api/views.py::ping). What it does to the check depends on the check's
// row and is decided in the database, in one statement (db/migrations/0002_ping.sql).
// Pure: no I/O, no clock.
import { isIP } from 'node:net';

/** The event a ping URL names before the check's filters have a say. */
export type UrlAction = 'success' | 'start' | 'fail' | 'log';

/** The check a ping URL addresses, and what it says about it. */
export type PingTarget =
  | { form: 'uuid'; code: string; action: UrlAction; exitStatus: number | null }
  | { form: 'slug'; pingKey: string; slug: string; action: UrlAction; exitStatus: number | null };

/** The two 400 texts that Healthchecks reports only after it has found the check. */
export type RequestError = 'invalid url format' | 'invalid uuid format';

// Django's `uuid` converter: lowercase canonical form only.
const UUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Django's `slug` converter, used for both the ping key and the slug.
const SLUG_SEGMENT = /^[-a-zA-Z0-9_]+$/;
// Django's `int` converter.
const INT_SEGMENT = /^[0-9]+$/;
// hc/lib/string.py: a run id is a canonical UUID, letters in either case.
const RID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NAMED_ACTIONS: Readonly<Record<string, UrlAction>> = { start: 'start', fail: 'fail', log: 'log' };

/**
 * Parses the path after `<basePath>/ping/` (already percent-decoded) the way Django's URL
 * resolver does with Healthchecks' patterns, in their order. Null when no pattern matches
 * (Healthchecks' own 404 page). Note the quirks kept on purpose: `<uuid>/` is a success ping,
 * `<key>/<slug>/` is not; `<uuid>/<anything-slug-like>` is a slug ping with the UUID as ping key.
 */
export function parsePingPath(path: string): PingTarget | null {
  const segments = path.split('/');
  const [first = '', second, third, ...rest] = segments;
  if (UUID_SEGMENT.test(first) && third === undefined) {
    if (second === undefined || second === '') return { form: 'uuid', code: first, action: 'success', exitStatus: null };
    const suffix = parseSuffix(second);
    if (suffix) return { form: 'uuid', code: first, ...suffix };
  }
  if (second === undefined || rest.length > 0 || !SLUG_SEGMENT.test(first) || !SLUG_SEGMENT.test(second)) return null;
  if (third === undefined) return { form: 'slug', pingKey: first, slug: second, action: 'success', exitStatus: null };
  const suffix = parseSuffix(third);
  return suffix ? { form: 'slug', pingKey: first, slug: second, ...suffix } : null;
}

function parseSuffix(segment: string): { action: UrlAction; exitStatus: number | null } | null {
  const named = NAMED_ACTIONS[segment];
  if (named) return { action: named, exitStatus: null };
  // A non-zero exit status is a failure; the status itself is stored with the ping.
  if (INT_SEGMENT.test(segment)) {
    const exitStatus = Number(segment);
    return { action: exitStatus > 0 ? 'fail' : 'success', exitStatus };
  }
  return null;
}

/** True when a slug ping must be refused before any lookup (Healthchecks: `slug != slug.lower()`). */
export function slugHasUppercase(target: PingTarget): boolean {
  return target.form === 'slug' && target.slug !== target.slug.toLowerCase();
}

/**
 * The 400 a request earns once its check is found, in Healthchecks' order: an exit status
 * above 255, then a malformed `rid`. Null when the request is well formed. `rid` is the
 * query parameter as given (undefined when absent; an empty value is malformed).
 */
export function requestError(target: PingTarget, rid: string | undefined): RequestError | null {
  if (target.exitStatus !== null && target.exitStatus > 255) return 'invalid url format';
  if (rid !== undefined && !RID.test(rid)) return 'invalid uuid format';
  return null;
}

/** The last value of `name` in a query string, as Django's QueryDict.get gives it; undefined when absent. */
export function queryParam(query: string, name: string): string | undefined {
  if (query === '') return undefined;
  return new URLSearchParams(query).getAll(name).at(-1);
}

/**
 * Healthchecks' `has_confirmation_link`: "confirm" in the lowercased body. Only ASCII letters
 * matter, and no byte of a multi-byte UTF-8 sequence is ASCII, so reading the bytes as Latin-1
 * gives the same answer for any body, valid UTF-8 or not.
 */
export function hasConfirmationLink(body: Buffer): boolean {
  return body.length >= 7 && body.toString('latin1').toLowerCase().includes('confirm');
}

/** A header value as Node gives it (one char per byte) decoded as UTF-8, bad bytes replaced, NULs dropped. */
export function headerText(value: string | undefined): string {
  if (value === undefined) return '';
  return Buffer.from(value, 'latin1').toString('utf8').replace(/\u0000/g, '');
}

/** The first `max` characters (code points, as Python slices), never half a surrogate pair. */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

/** "::ffff:1.2.3.4" → "1.2.3.4": the form a dual-stack socket reports an IPv4 peer in. */
export function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * One X-Forwarded-For item as an address: trimmed, and with the port of Azure's `a.b.c.d:port`
 * form removed (as Healthchecks does); null when it is not an IP address.
 */
export function forwardedAddress(item: string): string | null {
  let address = item.trim();
  if (isIP(address) === 0) {
    const parts = address.split('.');
    if (parts.length === 4 && parts[3]?.includes(':')) address = address.split(':')[0] ?? '';
  }
  return isIP(address) === 0 ? null : address;
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy, in which case
 * X-Forwarded-For is followed from the right past every trusted proxy. Healthchecks takes the
 * leftmost item, which any client can forge through a proxy that appends; the rightmost
 * untrusted hop is the one a trusted proxy actually saw. An item that is not an address ends
 * the walk at the last trusted hop.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, isTrusted: (address: string) => boolean): string {
  let address = unmapIPv4(peer);
  if (forwardedFor === undefined) return address;
  const hops = forwardedFor.split(',');
  for (let i = hops.length - 1; i >= 0 && isTrusted(address); i--) {
    const hop = forwardedAddress(hops[i] ?? '');
    if (hop === null) break;
    address = hop;
  }
  return address;
}

/** The scheme from X-Forwarded-Proto (first item, at most 10 characters as Healthchecks stores it); "http" when absent. */
export function forwardedScheme(value: string | undefined): string {
  const scheme = truncateChars((value ?? '').split(',')[0]?.trim() ?? '', 10);
  return scheme === '' ? 'http' : scheme;
}
