// /api/v<N>/checks/<uuid or unique_key>/flips/: the check's status changes.
import express from 'express';
import { listFlips } from '../../../db/queries/flip-log.ts';
import type { CheckRecord } from '../../../db/queries/checks.ts';
import { authorizeRead, type ProjectAuth } from '../auth.ts';
import { UNIQUE_KEY_PATTERN, UUID_PATTERN, endpoint, lastQueryValue, param, withCode, type ApiScope } from '../endpoint.ts';
import { checkByUniqueKey, ownCheck } from '../lookup.ts';
import { presentFlip } from './present.ts';
import { parseFlipFilters } from './schema.ts';

export function flipRoutes(scope: ApiScope): express.Router {
  const { ctx } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });

  const flips = (find: (auth: ProjectAuth, code: string) => Promise<CheckRecord>) =>
    endpoint({
      GET: async (req, res) => {
        const auth = await authorizeRead(scope, req);
        const check = await find(auth, param(req, 'code'));
        const filters = parseFlipFilters(
          { start: lastQueryValue(req, 'start'), end: lastQueryValue(req, 'end'), seconds: lastQueryValue(req, 'seconds') },
          ctx.clock(),
        );
        const rows = await listFlips(ctx.pool, check.id, filters.since, filters.until);
        res.json({ flips: rows.map(presentFlip) });
      },
    });

  router.all(
    '/checks/:code/flips/',
    withCode(UUID_PATTERN, flips((auth, code) => ownCheck(ctx.pool, auth, code))),
    withCode(UNIQUE_KEY_PATTERN, flips((auth, code) => checkByUniqueKey(ctx.pool, auth, code))),
  );
  return router;
}
