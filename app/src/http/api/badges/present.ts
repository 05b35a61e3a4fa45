// The only place badge URLs become JSON: Healthchecks' badges view, "*" (all checks) included.
import { badgeUrl } from '../../../core/badges.ts';

/** `{tag: {svg, svg3, json, json3, shields, shields3}}` for "*" and every tag in use. */
export function presentBadges(siteRoot: string, project: { code: string; badgeKey: string }, tags: Iterable<string>): Record<string, Record<string, string>> {
  const all = ['*', ...[...new Set(tags)].filter((t) => t !== '*').sort()];
  return Object.fromEntries(
    all.map((tag) => [
      tag,
      {
        svg: badgeUrl(siteRoot, project, tag, 'svg', false),
        svg3: badgeUrl(siteRoot, project, tag, 'svg', true),
        json: badgeUrl(siteRoot, project, tag, 'json', false),
        json3: badgeUrl(siteRoot, project, tag, 'json', true),
        shields: badgeUrl(siteRoot, project, tag, 'shields', false),
        shields3: badgeUrl(siteRoot, project, tag, 'shields', true),
      },
    ]),
  );
}
