// /api/v<N>/badges/: badge URLs for all checks and for every tag of the project.
import express from 'express';
import { listChecks } from '../../../db/queries/checks.ts';
import { authorizeRead } from '../auth.ts';
import { endpoint, type ApiScope } from '../endpoint.ts';
import { presentBadges } from './present.ts';

export function badgeRoutes(scope: ApiScope): express.Router {
  const { ctx } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });
  router.all(
    '/badges/',
    endpoint({
      GET: async (req, res) => {
        const { project } = await authorizeRead(scope, req);
        const checks = await listChecks(ctx.pool, project.id, null);
        const tags = checks.flatMap((c) => c.tags.split(' ').map((t) => t.trim()).filter(Boolean));
        res.json({ badges: presentBadges(ctx.config.siteRoot, project, tags) });
      },
    }),
  );
  return router;
}
