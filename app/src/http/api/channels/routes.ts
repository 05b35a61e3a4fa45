// /api/v<N>/channels/: Healthchecks' list, and Cronwarden's create, update and delete.
import express from 'express';
import { randomUUID } from 'node:crypto';
import { withTransaction, type Queryable } from '../../../db/pool.ts';
import {
  deleteChannel, findChannelByCode, insertChannel, linkChecks, linkedCheckCodes, listChannels,
  unlinkOtherChecks, updateChannel, type ChannelRecord,
} from '../../../db/queries/channels.ts';
import { listCheckCodes } from '../../../db/queries/checks.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { authorizeWrite, type ProjectAuth } from '../auth.ts';
import { UUID_PATTERN, endpoint, param, withCode, type ApiScope } from '../endpoint.ts';
import { presentChannel, presentChannelDetail } from './present.ts';
import { parseChannelSpec, resolveChecks } from './schema.ts';

async function ownChannel(db: Queryable, auth: ProjectAuth, code: string): Promise<ChannelRecord> {
  const channel = await findChannelByCode(db, code);
  if (!channel) throw new NotFoundError();
  if (channel.projectId !== auth.project.id) throw new ForbiddenError();
  return channel;
}

async function setLinks(db: Queryable, channelId: number, checkIds: number[] | null): Promise<void> {
  if (checkIds === null) return;
  await unlinkOtherChecks(db, channelId, checkIds);
  await linkChecks(db, channelId, checkIds);
}

export function channelRoutes(scope: ApiScope): express.Router {
  const { ctx } = scope;
  const router = express.Router({ strict: true, caseSensitive: true });

  router.all(
    '/channels/',
    endpoint({
      GET: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        res.json({ channels: (await listChannels(ctx.pool, auth.project.id)).map(presentChannel) });
      },
      POST: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const spec = parseChannelSpec(auth.body, null);
        const result = await withTransaction(ctx.pool, async (db) => {
          const checkIds = resolveChecks(spec.checks, await listCheckCodes(db, auth.project.id));
          const channel = await insertChannel(db, { code: randomUUID(), projectId: auth.project.id, createdAt: ctx.clock(), ...spec });
          await setLinks(db, channel.id, checkIds);
          return presentChannelDetail(channel, await linkedCheckCodes(db, channel.id));
        });
        res.status(201).json(result);
      },
    }),
  );

  router.all(
    '/channels/:code',
    withCode(UUID_PATTERN, endpoint({
      POST: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const current = await ownChannel(ctx.pool, auth, param(req, 'code'));
        const spec = parseChannelSpec(auth.body, current);
        const result = await withTransaction(ctx.pool, async (db) => {
          const checkIds = resolveChecks(spec.checks, await listCheckCodes(db, auth.project.id));
          const channel = await updateChannel(db, current.id, spec);
          if (!channel) throw new NotFoundError();
          await setLinks(db, channel.id, checkIds);
          return presentChannelDetail(channel, await linkedCheckCodes(db, channel.id));
        });
        res.json(result);
      },
      DELETE: async (req, res) => {
        const auth = await authorizeWrite(scope, req);
        const channel = await ownChannel(ctx.pool, auth, param(req, 'code'));
        const checks = await linkedCheckCodes(ctx.pool, channel.id);
        if (!(await deleteChannel(ctx.pool, channel.id))) throw new NotFoundError();
        res.json(presentChannelDetail(channel, checks));
      },
    })),
  );

  return router;
}
