// Delivery status callbacks: POST /api/v{1,2,3}/notifications/<code>/status, where Twilio
// reports what became of an SMS, WhatsApp message or call (the StatusCallback our requests
// name). A failed or undelivered message becomes the error of the notification that sent it
// and the channel's last_error, as in Healthchecks. Unlike Healthchecks, the request must carry
// Twilio's signature (X-Twilio-Signature, keyed with TWILIO_AUTH): otherwise anyone who learnt a
// notification code could mark deliveries failed. Healthchecks' generic `error` and
// `mark_disabled` fields are not accepted: no sender of ours uses them, and they could disable
// a channel.
import express from 'express';
import type { AppContext } from '../../context.ts';
import { recordTwilioStatus } from '../../db/queries/twilio-messages.ts';
import { isTwilioSignature } from '../../integrations/twilio/signature.ts';

/** Reports about messages older than this are ignored (answered 200, so Twilio does not retry). */
export const STATUS_WINDOW_SECONDS = 3600;

const PATHS = ['/api/v1/notifications/:code/status', '/api/v2/notifications/:code/status', '/api/v3/notifications/:code/status'];
// Lowercase, as the URLs we hand out (Healthchecks' uuid converter is just as strict).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MESSAGE_FAILURES = new Set(['failed', 'undelivered']);

export function deliveryStatusRoutes(ctx: AppContext): express.Router {
  const router = express.Router({ strict: true, caseSensitive: true });
  router.all(PATHS, express.text({ type: () => true, limit: '64kb' }), async (req, res) => {
    if (req.method !== 'POST') return void res.status(405).set('Allow', 'POST').end();
    const raw: unknown = req.params.code;
    const code = typeof raw === 'string' ? raw : '';
    if (!UUID.test(code)) return void res.status(404).end();
    const authToken = ctx.config.integrations.twilio.auth;
    const params = [...new URLSearchParams(typeof req.body === 'string' ? req.body : '')];
    // The URL Twilio was given and signed: SITE_ROOT's origin and the path as requested (the
    // Host header and the scheme a proxy forwards are not trusted for this).
    const url = `${new URL(ctx.config.siteRoot).origin}${req.originalUrl}`;
    const signature = req.get('X-Twilio-Signature') ?? '';
    if (authToken === null || signature === '' || !isTwilioSignature(authToken, signature, url, params)) {
      ctx.log.warn({ code, url, signed: signature !== '' }, 'delivery status callback refused: not signed by Twilio');
      return void res.status(403).type('text/plain').send('invalid signature');
    }
    const field = (name: string) => params.find(([key]) => key === name)?.[1] ?? '';
    const sid = field('MessageSid') || field('CallSid') || field('SmsSid');
    const status = field('MessageStatus') || field('CallStatus') || field('SmsStatus');
    if (sid === '' || status === '') return void res.status(200).end();
    const outcome = await recordTwilioStatus(ctx.pool, {
      code,
      sid,
      status,
      error: failureText(field('MessageStatus'), field('CallStatus')),
      since: new Date(ctx.clock().getTime() - STATUS_WINDOW_SECONDS * 1000),
    });
    if (outcome.notification || outcome.channel) {
      ctx.log.info({ code, sid, status, notification: outcome.notification }, 'delivery failed, as reported by Twilio');
    }
    // 200 whatever happened: an unknown or old code is answered the same (Healthchecks), so
    // Twilio stops trying and a caller learns nothing about which codes exist.
    res.status(200).end();
  });
  return router;
}

/** Healthchecks' texts: `Delivery failed (status=undelivered).`; '' when the status is not a failure. */
export function failureText(messageStatus: string, callStatus: string): string {
  if (MESSAGE_FAILURES.has(messageStatus)) return `Delivery failed (status=${messageStatus}).`;
  if (callStatus === 'failed') return 'Delivery failed (status=failed).';
  return '';
}
