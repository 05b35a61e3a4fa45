// Every error the HTTP layer answers with, and the one place that turns them into responses.
// Bodies follow Healthchecks: JSON `{"error": ...}` for client mistakes it explains, an empty
// body for 403/404/405, plain text where Healthchecks sends plain text (409 on resume).
import type express from 'express';
import { ChannelConfigError } from '../integrations/registry.ts';
import type { Logger } from '../log.ts';

/** An error with a ready HTTP answer. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly body: { kind: 'json'; error: string } | { kind: 'text'; text: string } | { kind: 'empty' },
  ) {
    super(body.kind === 'json' ? body.error : body.kind === 'text' ? body.text : `HTTP ${status}`);
  }
}

/** 400 `{"error": "<message>"}`: malformed JSON, a field that fails validation, a bad channel. */
export class ValidationError extends HttpError {
  constructor(message: string) {
    super(400, { kind: 'json', error: message });
  }
}

/** 401 `{"error": "missing api key"}` or `{"error": "wrong api key"}`. */
export class AuthError extends HttpError {
  constructor(message: 'missing api key' | 'wrong api key') {
    super(401, { kind: 'json', error: message });
  }
}

/** 403 with an empty body: another project's check, or the check limit reached. */
export class ForbiddenError extends HttpError {
  constructor() {
    super(403, { kind: 'empty' });
  }
}

/** 404 with an empty body. */
export class NotFoundError extends HttpError {
  constructor() {
    super(404, { kind: 'empty' });
  }
}

/** 409 with a plain-text reason (Healthchecks: `check is not paused`). */
export class ConflictError extends HttpError {
  constructor(text: string) {
    super(409, { kind: 'text', text });
  }
}

/** 400 with an empty body (Healthchecks' answer to bad flips filters). */
export class BadRequestError extends HttpError {
  constructor() {
    super(400, { kind: 'empty' });
  }
}

function isPayloadTooLarge(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'entity.too.large';
}

/** Maps any error to an HttpError; null for an unexpected one (a bug or an outage: 500). */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof ChannelConfigError) return new ValidationError(error.message);
  if (isPayloadTooLarge(error)) return new HttpError(413, { kind: 'json', error: 'request body too large' });
  return null;
}

/** Sends `error` as its HTTP answer, keeping headers already set (CORS). Logs unexpected errors. */
export function sendError(res: express.Response, error: unknown, log: Logger): void {
  const known = toHttpError(error);
  if (res.headersSent) {
    log.error({ err: error }, 'error after the response started');
    res.destroy();
    return;
  }
  if (!known) {
    log.error({ err: error }, 'request failed');
    res.status(500).json({ error: 'internal server error' });
    return;
  }
  res.status(known.status);
  if (known.body.kind === 'json') res.json({ error: known.body.error });
  else if (known.body.kind === 'text') res.type('text/plain').send(known.body.text);
  else res.end();
}
