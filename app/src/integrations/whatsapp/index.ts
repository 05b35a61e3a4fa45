// WhatsApp through Twilio: an approved template per direction, counted against SMS_LIMIT
// (shared with SMS), with delivery reports at /api/v3/notifications/<code>/status.
import { defineIntegration } from '../define.ts';
import { smsText } from '../sms/message.ts';
import type { PermanentCodes } from '../twilio/api.ts';
import { sendThroughTwilio } from '../twilio/send.ts';
import { TransportError } from '../types.ts';
import { parseWhatsappConfig } from './config.ts';
import { whatsappRequest, whatsappSite } from './message.ts';

/** Twilio errors that mean this number can never get our messages: the channel is disabled. */
export const WHATSAPP_PERMANENT_ERRORS: PermanentCodes = new Map([[21211, 'Invalid phone number']]);

export const whatsapp = defineIntegration({
  kind: 'whatsapp',
  label: 'WhatsApp',
  parseConfig: parseWhatsappConfig,
  isNoop: (config, direction) => !config[direction],
  async send(config, notice, ctx) {
    const site = whatsappSite(ctx.config.integrations.twilio, ctx.config.siteRoot);
    if (site === null) throw new TransportError('WhatsApp notifications are not enabled');
    // Twilio's Messages API takes no idempotency key: see sendThroughTwilio.
    await sendThroughTwilio(
      {
        request: whatsappRequest(config, notice, site),
        usage: 'sms',
        limitError: 'Monthly message limit exceeded',
        transport: 'WhatsApp',
        recipient: config.phone,
        // The real text is Twilio's template; the SMS text says the same for the owner's notice.
        text: smsText(notice.summary, notice.now, ctx.config.siteName),
        permanent: WHATSAPP_PERMANENT_ERRORS,
      },
      notice,
      ctx,
    );
  },
});
