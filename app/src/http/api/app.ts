import express from 'express';
import type { AppContext } from '../../context.ts';
import { testNotificationRoutes } from '../alerts/test-notification.ts';
import { unsubscribeRoutes } from '../alerts/unsubscribe.ts';

/** The express application behind everything that is not a ping: the management API, later the UI. */
export function createApiApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const router = express.Router();

  // Load balancer health check: 200 only when the database answers.
  router.get(['/api/v1/status/', '/api/v2/status/', '/api/v3/status/'], async (_req, res) => {
    try {
      await ctx.pool.query('select 1');
      res.type('text/plain').send('OK');
    } catch (error) {
      ctx.log.error({ err: error }, 'status check failed: database unreachable');
      res.status(500).type('text/plain').send('database unavailable');
    }
  });

  router.use(unsubscribeRoutes(ctx));
  router.use(testNotificationRoutes(ctx));

  app.use(ctx.config.basePath || '/', router);
  return app;
}
