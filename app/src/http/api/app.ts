import express from 'express';
import type { AppContext } from '../../context.ts';
import { deliveryStatusRoutes } from '../alerts/delivery-status.ts';
import { unsubscribeRoutes } from '../alerts/unsubscribe.ts';
import { sendError } from '../errors.ts';
import { badgeRoutes } from './badges/routes.ts';
import { channelRoutes } from './channels/routes.ts';
import { checkRoutes } from './checks/routes.ts';
import { API_VERSIONS, type ApiScope } from './endpoint.ts';
import { flipRoutes } from './flips/routes.ts';
import { pingRoutes } from './pings/routes.ts';
import { projectRoutes } from './projects/routes.ts';

/** Bodies larger than this are refused (413); Healthchecks' own limit is 2.5 MB. */
const MAX_BODY = '1mb';

/** The management API of one version: Healthchecks' endpoints and Cronwarden's extensions. */
function apiRouter(scope: ApiScope): express.Router {
  const router = express.Router({ strict: true, caseSensitive: true });
  // Healthchecks ignores Content-Type (curl's --data sends a form type), so every body is raw.
  router.use(express.raw({ type: () => true, limit: MAX_BODY }));
  router.use(checkRoutes(scope), pingRoutes(scope), flipRoutes(scope), channelRoutes(scope), badgeRoutes(scope), projectRoutes(scope));
  return router;
}

/** The express application behind everything that is not a ping: the management API, later the UI. */
export function createApiApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', false);
  const router = express.Router({ strict: true, caseSensitive: true });

  // Load balancer health check: 200 only when the database answers. Any method, no CORS, no
  // key, as in Healthchecks.
  router.all(['/api/v1/status/', '/api/v2/status/', '/api/v3/status/'], async (_req, res) => {
    try {
      await ctx.pool.query('select 1');
      res.type('text/plain').send('OK');
    } catch (error) {
      ctx.log.error({ err: error }, 'status check failed: database unreachable');
      res.status(500).type('text/plain').send('database unavailable');
    }
  });
  router.use(unsubscribeRoutes(ctx));
  router.use(deliveryStatusRoutes(ctx));
  for (const version of API_VERSIONS) router.use(`/api/v${version}`, apiRouter({ ctx, version }));
  // Anything else under the API is unknown: 404 with an empty body, as for unknown checks.
  router.use('/api', (_req, res) => {
    res.status(404).end();
  });

  app.use(ctx.config.basePath || '/', router);
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    sendError(res, error, ctx.log);
  });
  return app;
}
