// A Microsoft Teams (Workflows) channel's settings: the URL of the workflow's "When a Teams
// webhook request is received" trigger, `{"url": "https://...logic.azure.com/workflows/..."}`.
import { parseWebhookUrlConfig, type WebhookUrlConfig } from '../chat-fields.ts';

export type MsTeamsConfig = WebhookUrlConfig;

/** Validates and normalises Microsoft Teams settings. */
export function parseMsTeamsConfig(raw: Record<string, unknown>): MsTeamsConfig {
  return parseWebhookUrlConfig(raw);
}
