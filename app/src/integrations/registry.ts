// Every channel kind Cronwarden knows, imported statically. The management API accepts a
// channel only when its kind is listed here and its settings pass that kind's own parseConfig.
// The integrations themselves (one folder each) arrive with the alert engine (issue 4).

/** A settings problem; the message names the field and is shown to the API client as is. */
export class ChannelConfigError extends Error {
  override name = 'ChannelConfigError';
}

/** What the rest of the app needs to know about a channel kind without sending anything. */
export interface ChannelKind {
  /** Stored in channels.kind and used in the API: "email", "webhook", "slack", ... */
  readonly kind: string;
  /** Human name: "Email", "Webhook", "Slack". */
  readonly label: string;
  /** Validates and normalises settings from the API or UI; throws ChannelConfigError. */
  parseConfig(raw: unknown): unknown;
}

export const channelKinds: readonly ChannelKind[] = [];

/** The kind named `kind`, or undefined when Cronwarden does not know it. */
export function findChannelKind(kind: string): ChannelKind | undefined {
  return channelKinds.find((k) => k.kind === kind);
}
