// Every channel kind Cronwarden knows, imported statically: adding an integration is one
// folder and one line below. The management API accepts a channel only when its kind is
// listed here and its settings pass that kind's own parseConfig; the alert engine sends
// through the same objects.
import { email } from './email/index.ts';
import { signal } from './signal/index.ts';
import type { Integration } from './types.ts';
import { webhook } from './webhook/index.ts';

export { ChannelConfigError, TransportError } from './types.ts';
export type { ChannelKind, Integration } from './types.ts';

export const integrations: readonly Integration[] = [email, webhook, signal];

/** The same list, as the management API sees it (kind, label, parseConfig). */
export const channelKinds: readonly Integration[] = integrations;

/** The kind named `kind`, or undefined when Cronwarden does not know it. */
export function findChannelKind(kind: string): Integration | undefined {
  return integrations.find((k) => k.kind === kind);
}
