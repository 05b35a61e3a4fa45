// /api/v<N>/checks/: list, create (or upsert), get, update, delete, pause, resume.
import express from 'express';
import { randomUUID } from 'node:crypto';
import { ScheduleError } from '../../../core/schedule/index.ts';
import { goesDownAt } from '../../../core/status.ts';
import { withTransaction, type Queryable } from '../../../db/pool.ts';
import { listChannels } from '../../../db/queries/channels.ts';
import {
  countChecksForQuota, findCheckByCode, findUniqueMatch, insertCheck, listChecks, lockCheck,
  lockCheckQuota, pauseCheck, resumeCheck, deleteCheck, updateCheck, type CheckRecord,
} from '../../../db/queries/checks.ts';
import { linkChannels, unlinkOtherChannels } from '../../../db/queries/channels.ts';
import { insertProcessedFlip } from '../../../db/queries/flip-log.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import { authorizeRead, authorizeWrite, type ProjectAuth } from '../auth.ts';
import { UNIQUE_KEY_PATTERN, UUID_PATTERN, allQueryValues, endpoint, lastQueryValue, param, withCode, type ApiScope } from '../endpoint.ts';
import { checkByUniqueKey, ownCheck } from '../lookup.ts';
import { applySpec, fieldsOf, NEW_CHECK, resolveChannels, uniqueMatch } from './apply.ts';
import { presentCheck } from './present.ts';
import { parseCheckSpec, type CheckSpec } from './schema.ts';

/** Healthchecks' tags_list(): split on spaces, empty items dropped. */
function tagsList(tags: string): string[] {
  return tags.split(' ').map((t) => t.trim()).filter(Boolean);
}

/** When the check may go down; `now` when its schedule cannot be evaluated, so the engine looks soon. */
function deadline(check: CheckRecord, now: Date): Date | null {
  try {
    return goesDownAt(check);
  } catch (error) {
    if (error instanceof ScheduleError) return now;
    throw error;
  }
}

export function checkRoutes(scope: ApiScope): express.Router {
  const { ctx, version } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });
  const show = (check: CheckRecord, auth: ProjectAuth) =>
    presentCheck(check, { readonly: auth.readonly, version, config: ctx.config, now: ctx.clock() });

  /** Applies `spec` to the locked check `id`; null when it was deleted meanwhile. */
  async function update(db: Queryable, id: number, auth: ProjectAuth, spec: CheckSpec): Promise<CheckRecord | null> {
    const locked = await lockCheck(db, id);
    if (!locked) return null;
    // Channels are resolved before anything is written: a bad one changes nothing.
    const channelIds = resolveChannels(spec.channels, await listChannels(db, auth.project.id));
    const fields = applySpec(fieldsOf(locked), spec, version);
    await updateCheck(db, id, fields, deadline({ ...locked, ...fields }, ctx.clock()));
    if (channelIds) {
      await unlinkOtherChannels(db, id, channelIds);
      await linkChannels(db, id, channelIds);
    }
    return findCheckByCode(db, locked.code);
  }

  /** Creates the check, or updates the one `unique` matches. */
  async function createOrUpsert(db: Queryable, auth: ProjectAuth, spec: CheckSpec): Promise<{ created: boolean; check: CheckRecord }> {
    const { project } = auth;
    await lockCheckQuota(db, project.ownerId, project.id);
    const match = uniqueMatch(spec);
    const existing = match ? await findUniqueMatch(db, project.id, match) : null;
    const updated = existing ? await update(db, existing.id, auth, spec) : null;
    if (updated) return { created: false, check: updated };
    if ((await countChecksForQuota(db, project.ownerId, project.id)) >= ctx.config.checkLimit) throw new ForbiddenError();
    const channelIds = resolveChannels(spec.channels, await listChannels(db, project.id));
    const inserted = await insertCheck(db, {
      code: randomUUID(),
      badgeKey: randomUUID(),
      projectId: project.id,
      createdAt: ctx.clock(),
      fields: applySpec(NEW_CHECK, spec, version),
    });
    // A new check has no pings and status new: it cannot go down, so alert_after stays null.
    if (channelIds && channelIds.length > 0) await linkChannels(db, inserted.id, channelIds);
    return { created: true, check: (await findCheckByCode(db, inserted.code))! };
  }

  router.all(
    '/checks/',
    endpoint({
      GET: async (req, res) => {
        const auth = await authorizeRead(scope, req);
        const tags = new Set(allQueryValues(req, 'tag'));
        const checks = await listChecks(ctx.pool, auth.project.id, lastQueryValue(req, 'slug') || null);
        const matching = checks.filter((c) => [...tags].every((tag) => tagsList(c.tags).includes(tag)));
        res.json({ checks: matching.map((c) => show(c, auth)) });
      },
      POST: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const spec = parseCheckSpec(auth.body);
        const { created, check } = await withTransaction(ctx.pool, (db) => createOrUpsert(db, auth, spec));
        res.status(created ? 201 : 200).json(show(check, auth));
      },
    }),
  );

  const single = endpoint({
    GET: async (req, res) => {
      const auth = await authorizeRead(scope, req);
      res.json(show(await ownCheck(ctx.pool, auth, param(req, 'code')), auth));
    },
    POST: async (req, res) => {
      const auth = await authorizeWrite(scope, req);
      const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
      const spec = parseCheckSpec(auth.body);
      const updated = await withTransaction(ctx.pool, (db) => update(db, check.id, auth, spec));
      if (!updated) throw new NotFoundError();
      res.json(show(updated, auth));
    },
    DELETE: async (req, res) => {
      const auth = await authorizeWrite(scope, req);
      const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
      if (!(await deleteCheck(ctx.pool, check.id))) throw new NotFoundError();
      res.json(show(check, auth));
    },
  });
  const byUniqueKey = endpoint({
    GET: async (req, res) => {
      const auth = await authorizeRead(scope, req);
      res.json(show(await checkByUniqueKey(ctx.pool, auth, param(req, 'code')), auth));
    },
  });
  router.all('/checks/:code', withCode(UUID_PATTERN, single), withCode(UNIQUE_KEY_PATTERN, byUniqueKey));

  router.all(
    '/checks/:code/pause',
    withCode(UUID_PATTERN, endpoint({
      POST: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
        const paused = await withTransaction(ctx.pool, async (db) => {
          const locked = await lockCheck(db, check.id);
          if (!locked) throw new NotFoundError();
          // Already paused: no flip, nothing changes (Healthchecks returns early too).
          if (locked.status === 'paused') return locked;
          await insertProcessedFlip(db, { checkId: locked.id, createdAt: ctx.clock(), oldStatus: locked.status, newStatus: 'paused' });
          await pauseCheck(db, locked.id);
          return (await findCheckByCode(db, locked.code))!;
        });
        res.json(show(paused, auth));
      },
    })),
  );

  router.all(
    '/checks/:code/resume',
    withCode(UUID_PATTERN, endpoint({
      POST: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const check = await ownCheck(ctx.pool, auth, param(req, 'code'));
        const resumed = await withTransaction(ctx.pool, async (db) => {
          const locked = await lockCheck(db, check.id);
          if (!locked) throw new NotFoundError();
          if (locked.status !== 'paused') throw new ConflictError('check is not paused');
          await insertProcessedFlip(db, { checkId: locked.id, createdAt: ctx.clock(), oldStatus: 'paused', newStatus: 'new' });
          await resumeCheck(db, locked.id);
          return (await findCheckByCode(db, locked.code))!;
        });
        res.json(show(resumed, auth));
      },
    })),
  );

  return router;
}
