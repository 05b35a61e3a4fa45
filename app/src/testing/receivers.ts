// Real local receivers for notifications: an HTTP server and an SMTP server on loopback,
// port 0, recording what they receive. Tests assert exact requests and messages on them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** Decides the response to one request: a status, optional headers and body. Async ones may hang. */
export type Responder = (req: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string>; body?: string } | Promise<{ status: number; headers?: Record<string, string>; body?: string }>;

export interface HttpReceiver {
  /** "http://127.0.0.1:PORT" (or the host it was asked to listen on). */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  respond: Responder;
  /** Resolves when `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP server answering 200 "OK" unless `respond` says otherwise. */
export async function startHttpReceiver(t: TestLike, options: { host?: string; respond?: Responder } = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const receiver: HttpReceiver = {
    url: '',
    port: 0,
    requests,
    respond: options.respond ?? (() => ({ status: 200, body: 'OK' })),
    waitFor: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const index = requests.push(received) - 1;
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      void Promise.resolve(receiver.respond(received, index)).then(
        (answer) => {
          if (!res.destroyed) res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
        },
        () => res.destroy(),
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://${host}:${receiver.port}`;
  t.teardown(() => receiver.close());
  return receiver;
}

export interface SmtpReceiver {
  port: number;
  messages: Array<{ from: string; to: string[]; raw: string; parsed: ParsedMail }>;
  /** Reject RCPT TO with this reply code (e.g. 550) when set. */
  rejectRecipients: number | null;
  waitFor(count: number): Promise<void>;
}

/** An SMTP server on 127.0.0.1 without TLS or authentication, keeping every message. */
export async function startSmtpReceiver(t: TestLike): Promise<SmtpReceiver> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const receiver: SmtpReceiver = {
    port: 0,
    messages: [],
    rejectRecipients: null,
    waitFor: (count) =>
      receiver.messages.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (receiver.rejectRecipients === null) return callback();
      const error: Error & { responseCode?: number } = new Error(`No such user: ${address.address}`);
      error.responseCode = receiver.rejectRecipients;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          receiver.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          });
          for (const w of waiters.filter((w) => receiver.messages.length >= w.count)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.server.address() as AddressInfo).port;
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return receiver;
}
