// A Discord channel's settings: the channel webhook's URL, `{"url": "https://discord.com/api/
// webhooks/<id>/<token>"}`. Healthchecks' stored OAuth answer (`webhook.url`) is accepted too.
import { objectField, urlField } from '../chat-fields.ts';

export interface DiscordConfig {
  readonly url: string;
}

/**
 * Validates and normalises Discord settings: the old discordapp.com host becomes discord.com
 * (Discord retired it), and a trailing `/slack` or `/` is dropped, since sends add `/slack`.
 */
export function parseDiscordConfig(raw: Record<string, unknown>): DiscordConfig {
  const hook = raw.url === undefined ? objectField(raw, 'webhook') : undefined;
  const url = hook === undefined ? urlField(raw, 'url') : urlField(hook, 'url', 'webhook.url');
  const parsed = new URL(url);
  if (parsed.hostname === 'discordapp.com') parsed.hostname = 'discord.com';
  parsed.pathname = parsed.pathname.replace(/\/+$/, '').replace(/\/slack$/, '');
  return { url: parsed.toString() };
}
