// Gotify: a Markdown message to the channel's self-hosted Gotify server.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { parseGotifyConfig, priorityFor } from './config.ts';
import { gotifyRequest } from './message.ts';

/**
 * 401: the application token is wrong or its application was deleted; 403: the token is not
 * an application's (a client token). Either way only editing the channel helps.
 */
export const PERMANENT_STATUSES = [401, 403] as const;

export const gotify = defineIntegration({
  kind: 'gotify',
  label: 'Gotify',
  parseConfig: parseGotifyConfig,
  isNoop: (config, direction) => priorityFor(config, direction) === 0,
  async send(config, notice, ctx) {
    const response = await ctx.http.request(gotifyRequest(config, notice, ctx.config), ctx.signal);
    expectSuccess(response, notice.now, { permanent: PERMANENT_STATUSES });
  },
});
