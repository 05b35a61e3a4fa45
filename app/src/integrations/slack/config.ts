// A Slack channel's settings: the incoming webhook's URL, and the channel and workspace names
// Slack reported when the webhook was made (display only).
import { objectField, stringField, urlField } from '../chat-fields.ts';

export interface SlackConfig {
  readonly url: string;
  /** "#alerts", as Slack's OAuth answer names it; '' when unknown. */
  readonly channel: string;
  readonly team: string;
}

const NAME = { max: 200 };

/**
 * Validates and normalises Slack settings: `{"url", "channel", "team"}`. Healthchecks'
 * stored OAuth answer is accepted too (`incoming_webhook.url` and `.channel`, `team_name` or
 * `team.name`), so its channels import unchanged.
 */
export function parseSlackConfig(raw: Record<string, unknown>): SlackConfig {
  const hook = raw.url === undefined ? objectField(raw, 'incoming_webhook') : undefined;
  if (hook === undefined) {
    return { url: urlField(raw, 'url'), channel: stringField(raw, 'channel', NAME), team: stringField(raw, 'team', NAME) };
  }
  const team = objectField(raw, 'team');
  return {
    url: urlField(hook, 'url', 'incoming_webhook.url'),
    channel: stringField(hook, 'channel', { ...NAME, label: 'incoming_webhook.channel' }),
    team: stringField(raw, 'team_name', NAME) || (team === undefined ? '' : stringField(team, 'name', { ...NAME, label: 'team.name' })),
  };
}
