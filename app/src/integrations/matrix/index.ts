// Matrix: a message per flip into a room, through the operator's Matrix account
// (MATRIX_HOMESERVER, MATRIX_ACCESS_TOKEN). Users invite that account into their room; it
// joins on the first message, as Healthchecks joins when the channel is added.
//
// Idempotency: the delivery's idempotency key is the transaction id of the PUT, so the
// homeserver drops a resend of a message it already posted (Matrix scopes transaction ids to
// the access token, which is the same on every attempt).
import type { Config } from '../../config.ts';
import { defineIntegration } from '../define.ts';
import { parseRetryAfter, type HttpResponse } from '../http.ts';
import { jsonObject, statusText, textField } from '../responses.ts';
import { TransportError, type SendContext } from '../types.ts';
import { isAlias, parseMatrixConfig } from './config.ts';
import { joinRequest, matrixContent, resolveRequest, sendRequest, type MatrixSite } from './message.ts';

export const matrix = defineIntegration({
  kind: 'matrix',
  label: 'Matrix',
  // Homeservers rate-limit messages per account (Synapse: a burst of 10, then one per 5 s).
  maxConcurrency: 4,
  parseConfig: parseMatrixConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    const site = matrixSite(ctx.config);
    const content = matrixContent(notice.summary, notice.now);
    const put = async (roomId: string) => ctx.http.request(sendRequest(site, roomId, notice.code, content), ctx.signal);
    const roomId = isAlias(config.room) ? await resolveAlias(site, config.room, notice.now, ctx) : config.room;
    let res = await put(roomId);
    // Not in the room: join it (accepting the invitation) and send again. Both steps are safe
    // to repeat: joining a joined room changes nothing, and the PUT has the same transaction id.
    if (res.status === 403 && errcode(res) === 'M_FORBIDDEN') res = await put(await joinRoom(site, config.room, notice.now, ctx));
    if (res.status === 200) return;
    throw matrixError(res, notice.now, '');
  },
});

function matrixSite(config: Config): MatrixSite {
  const { homeserver, accessToken } = config.integrations.matrix;
  if (homeserver === null || accessToken === null) throw new TransportError('Matrix notifications are not enabled.');
  return { homeserver, accessToken };
}

async function resolveAlias(site: MatrixSite, alias: string, now: Date, ctx: SendContext): Promise<string> {
  const res = await ctx.http.request(resolveRequest(site, alias), ctx.signal);
  if (res.status === 404) throw new TransportError(`The Matrix room alias ${alias} does not exist (${detailOf(res)})`, { permanent: true });
  if (res.status !== 200) throw matrixError(res, now, `Could not resolve ${alias}: `);
  return roomIdOf(res);
}

async function joinRoom(site: MatrixSite, room: string, now: Date, ctx: SendContext): Promise<string> {
  const res = await ctx.http.request(joinRequest(site, room), ctx.signal);
  if (res.status === 200) return roomIdOf(res);
  const invite = ctx.config.integrations.matrix.userId ?? "Cronwarden's Matrix account";
  if (res.status === 403 || res.status === 404) {
    throw new TransportError(`Could not join ${room}: ${detailOf(res)}. Invite ${invite} into the room, then enable the channel again.`, { permanent: true });
  }
  throw matrixError(res, now, `Could not join ${room}: `);
}

/**
 * The error for a failed request. 403 (forbidden even after joining: no permission to post,
 * banned) and 404 (no such room) are permanent. A rejected access token (401) or terms of
 * service the account has not accepted are the operator's to fix, never the channel's, so
 * they are retried. 429 says how long to wait in `retry_after_ms` (or Retry-After).
 */
function matrixError(res: HttpResponse, now: Date, prefix: string): TransportError {
  const code = errcode(res);
  if (res.status === 401 || code === 'M_CONSENT_NOT_GIVEN') {
    return new TransportError(`${prefix}The homeserver rejected Cronwarden's Matrix account (${detailOf(res)}): check MATRIX_ACCESS_TOKEN`);
  }
  const permanent = res.status === 403 || res.status === 404;
  return new TransportError(`${prefix}${detailOf(res)}`, { permanent, retryAfter: retryAfter(res, now) });
}

function retryAfter(res: HttpResponse, now: Date): number | null {
  const ms = jsonObject(res)?.retry_after_ms;
  if (typeof ms === 'number' && ms >= 0) return Math.ceil(ms / 1000);
  return parseRetryAfter(res.headers['retry-after'], now);
}

function errcode(res: HttpResponse): string {
  return textField(jsonObject(res), 'errcode');
}

// 'Received status code 403 with a message: "M_FORBIDDEN: User @bot:x is not in the room"'.
function detailOf(res: HttpResponse): string {
  const doc = jsonObject(res);
  const [code, error] = [textField(doc, 'errcode'), textField(doc, 'error')];
  return statusText(res.status, code && error ? `${code}: ${error}` : code || error);
}

function roomIdOf(res: HttpResponse): string {
  const roomId = textField(jsonObject(res), 'room_id');
  if (!roomId.startsWith('!')) throw new TransportError('The Matrix homeserver returned an unexpected response (no room_id)');
  return roomId;
}
