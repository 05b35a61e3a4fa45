// ntfy: a JSON publish to the channel's server (ntfy.sh or self-hosted), at most 6 a minute per
// server and topic, shared by every engine process.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { parseNtfyConfig, priorityFor, type NtfyConfig } from './config.ts';
import { bearerToken, ntfyRequest } from './message.ts';

export const ntfy = defineIntegration({
  kind: 'ntfy',
  label: 'ntfy',
  parseConfig: parseNtfyConfig,
  isNoop: (config, direction) => priorityFor(config, direction) === 0,
  async send(config, notice, ctx) {
    await enforceRateLimit(ctx, `ntfy:${config.url} ${config.topic}`, notice.now);
    const shToken = ctx.config.integrations.ntfyShToken;
    const response = await ctx.http.request(ntfyRequest(config, notice, ctx.config, shToken), ctx.signal);
    expectSuccess(response, notice.now, { permanent: permanentStatuses(config, shToken) });
  },
});

/**
 * 401 and 403 say the topic is not ours to publish to: a wrong or revoked token, a topic
 * reserved by someone else, a server that wants a login. That needs the channel fixed, unless
 * the token sent was the operator's NTFY_SH_TOKEN: then it is no fault of the channel's.
 */
export function permanentStatuses(config: NtfyConfig, ntfyShToken: string | null): number[] {
  const operatorToken = config.token === '' && bearerToken(config, ntfyShToken) !== null;
  return operatorToken ? [] : [401, 403];
}
