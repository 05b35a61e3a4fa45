// Discord accepts Slack's payload at `<webhook>/slack`; asterisks are escaped with a
// backslash there. Pure.
import type { SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import { DISCORD, slackPayload } from '../slack/message.ts';
import type { Notice } from '../types.ts';
import type { DiscordConfig } from './config.ts';

/** The webhook's Slack-compatible endpoint; a query (`?thread_id=...`) is kept. */
export function slackEndpoint(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/slack`;
  return parsed.toString();
}

/** The request for `notice`. */
export function discordRequest(config: DiscordConfig, notice: Notice, site: SiteLinks): HttpRequest {
  return jsonPost(slackEndpoint(config.url), slackPayload(notice, site, DISCORD));
}
