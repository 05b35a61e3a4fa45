// What a Bot API answer means for a send: success, a chat that moved (a group upgraded to a
// supergroup gets a new id), or an error, permanent when the chat is gone for good.
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { TransportError } from '../types.ts';

export type BotApiOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly migrateTo: number; readonly status: number; readonly description: string };

/**
 * Descriptions after which retrying cannot help: the chat is gone, or the bot may not post
 * there any more. Healthchecks' list, plus being removed from a channel and a deleted forum topic.
 */
const PERMANENT = [
  /^Forbidden: the group chat was deleted$/,
  /^Forbidden: bot was blocked by the user$/,
  /^Forbidden: user is deactivated$/,
  /^Forbidden: bot was kicked from the (group|supergroup|channel) chat$/,
  /^Bad Request: chat not found$/,
  /^Bad Request: message thread not found$/,
];

interface BotApiError {
  description: string;
  migrateTo: number | null;
  retryAfter: number | null;
}

/**
 * Reads a sendMessage answer. 200 is success. A migration is returned for the caller to
 * follow. Otherwise throws TransportError `Received status code N with a message: "..."`:
 * permanent for the descriptions above, with retryAfter for 429 (`parameters.retry_after`).
 * A 401 (the operator's TELEGRAM_TOKEN is wrong or revoked) is retried, not permanent: it is
 * no fault of the channel's, and disabling every Telegram channel would hide the real problem.
 */
export function readBotApiResponse(response: HttpResponse, now: Date): BotApiOutcome {
  if (response.status === 200) return { ok: true };
  const error = parseError(response.body);
  const status = `Received status code ${response.status}`;
  if (error === null) throw new TransportError(status, { retryAfter: parseRetryAfter(response.headers['retry-after'], now) });
  if (error.migrateTo !== null) return { ok: false, migrateTo: error.migrateTo, status: response.status, description: error.description };
  throw new TransportError(`${status} with a message: "${error.description}"`, {
    permanent: PERMANENT.some((pattern) => pattern.test(error.description)),
    retryAfter: error.retryAfter ?? parseRetryAfter(response.headers['retry-after'], now),
  });
}

function parseError(body: string): BotApiError | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const { description, parameters } = json as { description?: unknown; parameters?: unknown };
  if (typeof description !== 'string') return null;
  const params = typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>) : {};
  const migrateTo = params.migrate_to_chat_id;
  const retryAfter = params.retry_after;
  return {
    description: description.slice(0, 300),
    migrateTo: typeof migrateTo === 'number' && Number.isSafeInteger(migrateTo) && migrateTo !== 0 ? migrateTo : null,
    retryAfter: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : null,
  };
}
