// The only place a channel becomes JSON. The list is Healthchecks' Channel.to_dict; the write
// endpoints (Cronwarden's) add the settings and the linked checks.
import type { ChannelRecord } from '../../../db/queries/channels.ts';

/** `{"id", "name", "kind"}` as `GET /channels/` lists it. */
export function presentChannel(channel: ChannelRecord): { id: string; name: string; kind: string } {
  return { id: channel.code, name: channel.name, kind: channel.kind };
}

/** The channel as the write endpoints answer: the list form, its settings and check UUIDs. */
export function presentChannelDetail(channel: ChannelRecord, checkCodes: readonly string[]): Record<string, unknown> {
  return { ...presentChannel(channel), config: channel.config, checks: checkCodes.join(',') };
}
