// The SMTP sender (EMAIL_* settings), shared by email channels and by the engine's notices
// to project owners. Each send is one attempt; the engine retries.
import nodemailer from 'nodemailer';
import type { EmailSettings } from '../../config.ts';
import { TransportError } from '../types.ts';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stable across retries, so mail clients and archives can drop duplicates. */
  readonly messageId?: string;
}

export interface MailSender {
  /** Sends once; throws TransportError, permanent when the server refuses the recipient. */
  send(message: MailMessage, signal?: AbortSignal): Promise<void>;
  close(): void;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** A pooled SMTP sender; without EMAIL_HOST every send fails with a retryable error. */
export function createMailSender(settings: EmailSettings): MailSender {
  if (settings.host === null) {
    return {
      async send() {
        throw new TransportError('Email is not configured (set EMAIL_HOST)');
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.useSsl,
    requireTLS: settings.useTls,
    // EMAIL_USE_TLS=false means no STARTTLS at all, as in Django, so a relay with a
    // self-signed certificate on localhost keeps working.
    ignoreTLS: !settings.useTls && !settings.useSsl,
    auth: settings.user === null ? undefined : { user: settings.user, pass: settings.password ?? '' },
    pool: true,
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message, signal) {
      const sending = transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers ? { ...message.headers } : undefined,
        messageId: message.messageId,
      });
      try {
        await (signal ? raceAbort(sending, signal) : sending);
      } catch (error) {
        throw toTransportError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new TransportError('Sending aborted (shutting down)'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const e = error as SmtpError;
  const reply = (e.response ?? e.message ?? String(error)).slice(0, 200);
  // The server refused the recipient for good (550 no such user): as a bounce, it disables
  // the channel. Authentication and connection trouble are the operator's, never permanent.
  if (e.code === 'EENVELOPE' && e.responseCode !== undefined && e.responseCode >= 500) {
    return new TransportError(`Email rejected: ${reply}`, { permanent: true });
  }
  if (e.code === 'EAUTH') return new TransportError(`SMTP authentication failed: ${reply}`);
  if (e.code === 'ETIMEDOUT') return new TransportError('SMTP connection timed out');
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'EDNS') return new TransportError(`SMTP connection failed: ${reply}`);
  return new TransportError(`Email sending failed: ${reply}`);
}
