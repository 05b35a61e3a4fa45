// POST /api/v{1,2,3}/channels/<uuid>/test: sends one test notification through the channel
// now and answers with the outcome (docs/alerts.md). Authentication as every write endpoint:
// a read-write key of the channel's project, in X-Api-Key or as "api_key" in a JSON body.
import { createHash } from 'node:crypto';
import express from 'express';
import { sendTestNotification } from '../../alerts/test-send.ts';
import type { AppContext } from '../../context.ts';
import { channelForKey, isReadWriteKey } from '../../db/queries/channels.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PATHS = ['/api/v1/channels/:code/test', '/api/v2/channels/:code/test', '/api/v3/channels/:code/test'];

export function testNotificationRoutes(ctx: AppContext): express.Router {
  const router = express.Router();
  const json = express.json({ type: () => true, limit: '10kb', strict: false });
  router.post(PATHS, (req, res, next) => {
    json(req, res, (error?: unknown) => {
      if (error) return void res.status(400).json({ error: 'could not parse request body' });
      next();
    });
  }, async (req, res) => {
    const code = typeof req.params.code === 'string' ? req.params.code : '';
    if (!UUID.test(code)) return void res.status(404).json({ error: 'not found' });
    const body: unknown = req.body;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      return void res.status(400).json({ error: 'json validation error: value is not an object' });
    }
    const fromBody = body !== undefined && 'api_key' in body ? String(body.api_key) : '';
    const key = req.get('x-api-key') ?? fromBody;
    if (key === '') return void res.status(401).json({ error: 'missing api key' });
    const hash = createHash('sha256').update(key).digest();
    if (!(await isReadWriteKey(ctx.pool, hash))) return void res.status(401).json({ error: 'wrong api key' });
    const channel = await channelForKey(ctx.pool, code, hash);
    if (channel === null) return void res.status(404).json({ error: 'not found' });
    if (!channel.authorized) return void res.status(403).end();
    const result = await sendTestNotification(ctx, channel, { code: channel.project_code, name: channel.project_name });
    if (result.ok) return void res.json({ status: 'sent', direction: result.direction });
    res.status(502).json({ error: `Could not send a test notification: ${result.error}`, permanent: result.permanent });
  });
  return router;
}
