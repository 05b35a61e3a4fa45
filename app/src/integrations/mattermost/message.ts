// Mattermost reads Slack's payload (its incoming webhooks are Slack-compatible), asterisks
// kept from emphasis with a combining grapheme joiner as for Slack. Pure.
import type { SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import { MATTERMOST, slackPayload } from '../slack/message.ts';
import type { Notice } from '../types.ts';
import type { MattermostConfig } from './config.ts';

/** The request for `notice`. */
export function mattermostRequest(config: MattermostConfig, notice: Notice, site: SiteLinks): HttpRequest {
  return jsonPost(config.url, slackPayload(notice, site, MATTERMOST));
}
