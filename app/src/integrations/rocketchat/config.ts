// A Rocket.Chat channel's settings: the incoming webhook's URL (self-hosted, any http(s) URL),
// `{"url": "https://chat.example.org/hooks/xxx/yyy"}`.
import { parseWebhookUrlConfig, type WebhookUrlConfig } from '../chat-fields.ts';

export type RocketChatConfig = WebhookUrlConfig;

/** Validates and normalises Rocket.Chat settings. */
export function parseRocketChatConfig(raw: Record<string, unknown>): RocketChatConfig {
  return parseWebhookUrlConfig(raw);
}
