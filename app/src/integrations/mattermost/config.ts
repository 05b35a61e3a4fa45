// A Mattermost channel's settings: the incoming webhook's URL (Mattermost is self-hosted, so
// any http(s) URL), `{"url": "https://chat.example.org/hooks/xxx"}`.
import { parseWebhookUrlConfig, type WebhookUrlConfig } from '../chat-fields.ts';

export type MattermostConfig = WebhookUrlConfig;

/** Validates and normalises Mattermost settings. */
export function parseMattermostConfig(raw: Record<string, unknown>): MattermostConfig {
  return parseWebhookUrlConfig(raw);
}
