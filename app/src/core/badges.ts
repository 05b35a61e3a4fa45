// Badge URLs. Each project signs its own with its badge_key (a secret never shown), so a
// badge URL cannot be forged for a tag its owner did not publish, and no site-wide secret
// rotation breaks every embedded badge (Healthchecks signs with SECRET_KEY). The badge
// endpoint verifies with the same function.
import { createHmac } from 'node:crypto';

export type BadgeFormat = 'svg' | 'json' | 'shields';
export const BADGE_FORMATS: readonly BadgeFormat[] = ['svg', 'json', 'shields'];

/** The 8-character signature of `tag` ("*" for all checks) under the project's badge key. */
export function badgeSignature(badgeKey: string, tag: string): string {
  return createHmac('sha256', badgeKey).update(tag, 'utf8').digest('base64url').slice(0, 8);
}

/** Python's quote(tag, safe=""): like encodeURIComponent, but also escapes ! ' ( ) *. */
export function quoteTag(tag: string): string {
  return encodeURIComponent(tag).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The public URL of a badge: `<site>/badge/<project uuid>/<signature>[-2]/<tag>.<format>`,
 * or `<site>/badge/<project uuid>/<signature>[-2].<format>` for all checks (tag "*").
 * `withLate` is the three-state badge (up, late, down); without it the signature gets "-2".
 */
export function badgeUrl(
  siteRoot: string,
  project: { code: string; badgeKey: string },
  tag: string,
  format: BadgeFormat,
  withLate: boolean,
): string {
  const signature = badgeSignature(project.badgeKey, tag) + (withLate ? '' : '-2');
  const base = `${siteRoot}/badge/${project.code}/${signature}`;
  return tag === '*' ? `${base}.${format}` : `${base}/${quoteTag(tag)}.${format}`;
}
