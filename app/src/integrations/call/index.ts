// Phone calls through Twilio: a voice call reading one sentence when a check goes down,
// counted against CALL_LIMIT, with the call's outcome reported to the status callback.
import { defineIntegration } from '../define.ts';
import { twilioAccount, type PermanentCodes } from '../twilio/api.ts';
import { sendThroughTwilio } from '../twilio/send.ts';
import { TransportError } from '../types.ts';
import { parseCallConfig } from './config.ts';
import { callRequest, callText } from './message.ts';

/** Twilio errors that mean this number can never be called: the channel is disabled. */
export const CALL_PERMANENT_ERRORS: PermanentCodes = new Map([
  [21211, 'Invalid phone number'],
  [21217, 'Invalid phone number'],
]);

export const call = defineIntegration({
  kind: 'call',
  label: 'Phone Call',
  // Calls are slow to set up and Twilio limits calls per second per account.
  maxConcurrency: 8,
  parseConfig: parseCallConfig,
  // A call for a recovery would wake someone to say all is well: down only, as in Healthchecks.
  isNoop: (_config, direction) => direction !== 'down',
  async send(config, notice, ctx) {
    const settings = ctx.config.integrations.twilio;
    const account = twilioAccount(settings);
    if (account === null || settings.from === null) throw new TransportError('Call notifications are not enabled');
    const site = { account, from: settings.from, siteRoot: ctx.config.siteRoot, siteName: ctx.config.siteName };
    // Twilio's Calls API takes no idempotency key: see sendThroughTwilio.
    await sendThroughTwilio(
      {
        request: callRequest(config, notice, site),
        usage: 'call',
        limitError: 'Monthly phone call limit exceeded',
        transport: 'phone call',
        recipient: config.phone,
        text: callText(notice.summary, site.siteName),
        permanent: CALL_PERMANENT_ERRORS,
      },
      notice,
      ctx,
    );
  },
});
