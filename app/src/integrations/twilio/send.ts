// One send through Twilio, shared by sms, whatsapp and call: skip a notification Twilio already
// accepted, count it against the owner's monthly limit, make the request, give the count back
// if Twilio refused, and record the SID so the status callback can find the notification.
import { randomUUID } from 'node:crypto';
import { insertTwilioMessage, acceptedMessageSid, pruneTwilioMessages } from '../../db/queries/twilio-messages.ts';
import {
  channelAccount,
  claimLimitNotice,
  ensureUsageRow,
  releaseLimitNotice,
  returnUsage,
  takeUsage,
  usageAccount,
  type ChannelAccountRow,
  type UsageKind,
} from '../../db/queries/twilio-usage.ts';
import type { HttpRequest } from '../http.ts';
import { TransportError, type Notice, type SendContext } from '../types.ts';
import { acceptedSid, isAccepted, twilioError, type PermanentCodes } from './api.ts';
import { limitNoticeEmail } from './limit-notice.ts';

/** Message SIDs are kept this long, like the notification log. */
export const MESSAGE_RETENTION_DAYS = 93;

export interface TwilioSend {
  /** The exact request (message.ts). */
  readonly request: HttpRequest;
  /** The limit it counts against: SMS and WhatsApp share 'sms'. */
  readonly usage: UsageKind;
  /** The error when the limit is reached ("Monthly SMS limit exceeded"). */
  readonly limitError: string;
  /** Names the kind in the owner's notice: "SMS", "WhatsApp", "phone call". */
  readonly transport: string;
  /** The channel's number and the text, for the notice. */
  readonly recipient: string;
  readonly text: string;
  readonly permanent: PermanentCodes;
}

/** Sends once; resolves when Twilio accepted (or had already accepted) the notification. */
export async function sendThroughTwilio(send: TwilioSend, notice: Notice, ctx: SendContext): Promise<void> {
  const account = await channelAccount(ctx.db, notice.channel.code);
  if (account === null) throw new TransportError('Channel or check does not exist any more');
  const earlier = await acceptedMessageSid(ctx.db, notice.code);
  if (earlier !== null) {
    // An earlier attempt reached Twilio but its outcome was lost (the engine died, the lease
    // ran out): sending again would text the same person twice.
    ctx.log.info({ sid: earlier }, 'Twilio already accepted this notification; not sending it again');
    return;
  }
  const month = monthOf(notice.now);
  const counted = usageAccount(account);
  const limit = send.usage === 'sms' ? ctx.config.integrations.twilio.smsLimit : ctx.config.integrations.twilio.callLimit;
  await ensureUsageRow(ctx.db, counted, send.usage, month);
  if (!(await takeUsage(ctx.db, counted, send.usage, month, limit))) {
    await noticeOnce(send, account, limit, notice, ctx);
    throw new TransportError(send.limitError, { retryAfter: secondsToNextMonth(notice.now) });
  }
  // A failure without an answer (timeout, reset) keeps the count: Twilio may have sent it.
  const response = await ctx.http.request(send.request, ctx.signal);
  if (!isAccepted(response)) {
    await returnUsage(ctx.db, counted, send.usage, month);
    throw twilioError(response, notice.now, send.permanent);
  }
  await remember(acceptedSid(response), account, notice, ctx);
}

async function remember(sid: string | null, account: ChannelAccountRow, notice: Notice, ctx: SendContext): Promise<void> {
  if (sid === null) {
    ctx.log.warn('Twilio accepted the notification without a SID; its delivery status cannot be followed');
    return;
  }
  try {
    await insertTwilioMessage(ctx.db, { sid, code: notice.code, channelId: account.channel_id, createdAt: notice.now });
    await pruneTwilioMessages(ctx.db, new Date(notice.now.getTime() - MESSAGE_RETENTION_DAYS * 86_400_000), 100);
  } catch (error) {
    // The message is out: failing the send now would only send it twice.
    ctx.log.error({ err: error, sid }, 'cannot record a Twilio message SID; its delivery status cannot be followed');
  }
}

async function noticeOnce(send: TwilioSend, account: ChannelAccountRow, limit: number, notice: Notice, ctx: SendContext): Promise<void> {
  const counted = usageAccount(account);
  const month = monthOf(notice.now);
  if (!(await claimLimitNotice(ctx.db, counted, send.usage, month, notice.now))) return;
  const to = account.owner_email;
  if (to === null) {
    ctx.log.warn({ project: account.project_id, transport: send.transport }, 'monthly Twilio limit reached by a project without an owner to tell');
    return;
  }
  const email = limitNoticeEmail(
    to,
    { transport: send.transport, recipient: send.recipient, ownerEmail: to, projectName: account.project_name, limit, message: send.text },
    randomUUID(),
    { siteName: ctx.config.siteName, from: ctx.config.email.from },
  );
  try {
    await ctx.mail.send(email, ctx.signal);
    ctx.log.info({ transport: send.transport, limit }, 'monthly Twilio limit reached; project owner notified');
  } catch (error) {
    // Not told: let the next send that hits the limit try again.
    await releaseLimitNotice(ctx.db, counted, send.usage, month);
    ctx.log.warn({ err: error, transport: send.transport }, 'monthly Twilio limit reached; the notice to the project owner failed');
  }
}

/** "2026-01-01": the calendar month (UTC) of `now`, as stored in twilio_usage.month. */
export function monthOf(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** Seconds from `now` to the start of the next month (UTC), when the limits reset. */
export function secondsToNextMonth(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.ceil((next - now.getTime()) / 1000);
}
