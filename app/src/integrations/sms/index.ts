// SMS through Twilio: a short text per flip to one number, counted against SMS_LIMIT, with
// Twilio's delivery reports arriving at /api/v3/notifications/<code>/status.
import { defineIntegration } from '../define.ts';
import { twilioAccount, type PermanentCodes } from '../twilio/api.ts';
import { sendThroughTwilio } from '../twilio/send.ts';
import { TransportError } from '../types.ts';
import { parseSmsConfig } from './config.ts';
import { smsRequest, smsSender, smsText } from './message.ts';

/** Twilio errors that mean this number can never get our texts: the channel is disabled. */
export const SMS_PERMANENT_ERRORS: PermanentCodes = new Map([
  [21211, 'Invalid phone number'],
  [21610, 'The recipient has unsubscribed from these messages (replied STOP)'],
  [21614, 'The number cannot receive SMS (not a mobile number)'],
]);

export const sms = defineIntegration({
  kind: 'sms',
  label: 'SMS',
  parseConfig: parseSmsConfig,
  isNoop: (config, direction) => !config[direction],
  async send(config, notice, ctx) {
    const settings = ctx.config.integrations.twilio;
    const account = twilioAccount(settings);
    const sender = smsSender(settings);
    if (account === null || sender === null) throw new TransportError('SMS notifications are not enabled');
    const site = { account, sender, siteRoot: ctx.config.siteRoot, siteName: ctx.config.siteName };
    // Twilio's Messages API takes no idempotency key: sendThroughTwilio skips a notice whose
    // message it already accepted (its SID is stored under the notice's code).
    await sendThroughTwilio(
      {
        request: smsRequest(config, notice, site),
        usage: 'sms',
        limitError: 'Monthly SMS limit exceeded',
        transport: 'SMS',
        recipient: config.phone,
        text: smsText(notice.summary, notice.now, site.siteName),
        permanent: SMS_PERMANENT_ERRORS,
      },
      notice,
      ctx,
    );
  },
});
