// Rocket.Chat takes Slack-like attachments with its own envelope (alias, Markdown text); the
// fields are Slack's (slack/message.ts). Pure.
import type { SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import { rocketChatPayload } from '../slack/message.ts';
import type { Notice } from '../types.ts';
import type { RocketChatConfig } from './config.ts';

/** The request for `notice`. */
export function rocketChatRequest(config: RocketChatConfig, notice: Notice, site: SiteLinks): HttpRequest {
  return jsonPost(config.url, rocketChatPayload(notice, site));
}
