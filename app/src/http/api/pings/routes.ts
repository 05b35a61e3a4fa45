// /api/v<N>/checks/<uuid>/pings/ and .../pings/<n>/body: the ping log (read-write keys only).
import express from 'express';
import { findPingBody, listPings } from '../../../db/queries/ping-log.ts';
import { NotFoundError } from '../../errors.ts';
import { authorizeWrite } from '../auth.ts';
import { UUID_PATTERN, endpoint, param, withCode, type ApiScope } from '../endpoint.ts';
import { ownCheck } from '../lookup.ts';
import { presentPing } from './present.ts';

/** Healthchecks never returns more than this many pings, whatever the log keeps. */
const MAX_LISTED = 1000;
const MAX_N = 2_147_483_647;

export function pingRoutes(scope: ApiScope): express.Router {
  const { ctx, version } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });

  router.all(
    '/checks/:code/pings/',
    withCode(UUID_PATTERN, endpoint({
      GET: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
        const { pingLogLimit, siteRoot } = ctx.config;
        // Pings older than the log limit may still wait for pruning; they are never shown.
        const pings = await listPings(ctx.pool, check.id, check.nPings - pingLogLimit, Math.min(pingLogLimit, MAX_LISTED));
        res.json({ pings: pings.map((p) => presentPing(p, { siteRoot, version, checkCode: check.code })) });
      },
    })),
  );

  router.all(
    '/checks/:code/pings/:n/body',
    withCode(UUID_PATTERN, async (req, res, next) => {
      if (!/^\d+$/.test(param(req, 'n'))) {
        next();
        return;
      }
      await endpoint({
        GET: async (req, res) => {
          const auth = await authorizeWrite(scope, req);
          const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
          const n = Number(param(req, 'n'));
          if (n <= check.nPings - ctx.config.pingLogLimit || n > MAX_N) throw new NotFoundError();
          const body = await findPingBody(ctx.pool, check.id, n);
          if (!body || body.length === 0) throw new NotFoundError();
          res.setHeader('Content-Type', 'text/plain');
          res.end(body);
        },
      })(req, res);
    }),
  );

  return router;
}
