// /api/v<N>/projects/: an account key lists its user's projects and creates new ones
// (Cronwarden's extension; Healthchecks has only per-project keys).
import express from 'express';
import { createProject } from '../../../accounts/projects.ts';
import { withTransaction } from '../../../db/pool.ts';
import { listProjects } from '../../../db/queries/projects.ts';
import { authorizeAccount } from '../auth.ts';
import { endpoint, type ApiScope } from '../endpoint.ts';
import { presentProject } from './present.ts';
import { parseProjectName } from './schema.ts';

export function projectRoutes(scope: ApiScope): express.Router {
  const { ctx } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });
  router.all(
    '/projects/',
    endpoint({
      GET: async (req, res) => {
        const { userId } = await authorizeAccount(scope, req);
        const projects = await listProjects(ctx.pool, userId);
        res.json({ projects: projects.map(presentProject) });
      },
      POST: async (req, res) => {
        const { userId, body } = await authorizeAccount(scope, req);
        const name = parseProjectName(body);
        const created = await withTransaction(ctx.pool, (db) => createProject(db, { name, ownerId: userId, now: ctx.clock() }));
        // The keys are in this answer and nowhere else: only their digests are stored.
        res.status(201).json({ ...presentProject(created.project), api_key: created.apiKey, api_key_readonly: created.apiKeyReadonly });
      },
    }),
  );
  return router;
}
