// Every channel kind Cronwarden knows, imported statically: adding an integration is one
// folder and one line below. The management API accepts a channel only when its kind is
// listed here and its settings pass that kind's own parseConfig; the alert engine sends
// through the same objects.
import { call } from './call/index.ts';
import { discord } from './discord/index.ts';
import { email } from './email/index.ts';
import { gotify } from './gotify/index.ts';
import { matrix } from './matrix/index.ts';
import { mattermost } from './mattermost/index.ts';
import { msteamsw } from './msteamsw/index.ts';
import { ntfy } from './ntfy/index.ts';
import { opsgenie } from './opsgenie/index.ts';
import { pagerduty } from './pd/index.ts';
import { pushover } from './po/index.ts';
import { rocketchat } from './rocketchat/index.ts';
import { shell } from './shell/index.ts';
import { signal } from './signal/index.ts';
import { slack } from './slack/index.ts';
import { sms } from './sms/index.ts';
import { telegram } from './telegram/index.ts';
import type { Integration } from './types.ts';
import { webhook } from './webhook/index.ts';
import { whatsapp } from './whatsapp/index.ts';
import { zulip } from './zulip/index.ts';

export { ChannelConfigError, TransportError } from './types.ts';
export type { ChannelKind, Integration } from './types.ts';

export const integrations: readonly Integration[] = [
  email, webhook, slack, mattermost, rocketchat, discord, msteamsw, telegram, ntfy, gotify,
  pushover, matrix, pagerduty, opsgenie, zulip, sms, whatsapp, call, shell, signal,
];

/** The same list, as the management API sees it (kind, label, parseConfig). */
export const channelKinds: readonly Integration[] = integrations;

/** The kind named `kind`, or undefined when Cronwarden does not know it. */
export function findChannelKind(kind: string): Integration | undefined {
  return integrations.find((k) => k.kind === kind);
}
