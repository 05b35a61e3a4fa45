// One-click unsubscribe from email alerts (RFC 8058), at Healthchecks' path:
// /integrations/<channel code>/unsub/<key>/. GET shows a confirmation form, because mail
// scanners open links as mail arrives; when the link is older than 5 minutes (a human, not a
// scanner) the form submits itself. POST, including a mail client's one-click POST, disables
// the channel (it is kept, so the project can enable it again).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { AppContext } from '../../context.ts';
import { channelByCode, unsubscribeChannel, type ChannelRow } from '../../db/queries/channel-alerts.ts';
import { escapeHtml } from '../../integrations/email/message.ts';

/** Links opened sooner than this after sending get a button; later ones submit themselves. */
export const SCANNER_WINDOW_SECONDS = 300;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PATH = '/integrations/:code/unsub/:key/';

export function unsubscribeRoutes(ctx: AppContext): express.Router {
  const router = express.Router();
  router.get(PATH, async (req, res) => {
    const channel = await findChannel(ctx, req.params.code, req.params.key);
    if (channel === null) return page(res, 404, 'Bad link', '<p>This unsubscribe link is not valid.</p>');
    const sent = Number(req.query.t);
    const autosubmit = Number.isFinite(sent) && ctx.clock().getTime() / 1000 - sent >= SCANNER_WINDOW_SECONDS;
    const nonce = randomBytes(16).toString('base64');
    const script = autosubmit ? `<script nonce="${nonce}">document.getElementById("form").submit();</script>` : '';
    const name = channel.name ? ` (${escapeHtml(channel.name)})` : '';
    return page(
      res,
      200,
      'Unsubscribe',
      `<p>Stop email notifications to this address${name}? Press the button to unsubscribe.</p>
<form id="form" method="post"><button type="submit">Unsubscribe</button></form>${script}`,
      nonce,
    );
  });
  router.post(PATH, express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const channel = await findChannel(ctx, req.params.code, req.params.key);
    if (channel === null) return page(res, 404, 'Bad link', '<p>This unsubscribe link is not valid.</p>');
    if (await unsubscribeChannel(ctx.pool, channel.id, ctx.clock())) {
      ctx.log.info({ channel: channel.code }, 'email channel unsubscribed by its recipient');
    }
    return page(res, 200, 'Unsubscribed', '<p>You have been unsubscribed. No more notifications will be sent to this address.</p>');
  });
  return router;
}

async function findChannel(ctx: AppContext, code: unknown, key: unknown): Promise<ChannelRow | null> {
  if (typeof code !== 'string' || typeof key !== 'string' || !UUID.test(code)) return null;
  const channel = await channelByCode(ctx.pool, code);
  if (channel === null || channel.kind !== 'email') return null;
  // Compare digests, so the time taken says nothing about how much of the key matched.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(key), digest(channel.unsubscribe_key)) ? channel : null;
}

function page(res: express.Response, status: number, title: string, body: string, nonce?: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The URL holds the channel's secret: never leak it to another site.
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': `default-src 'none'; form-action 'self'${nonce ? `; script-src 'nonce-${nonce}'` : ''}`,
    })
    .send(`<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>\n${body}\n</body></html>\n`);
}
