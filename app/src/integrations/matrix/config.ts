// A Matrix channel's settings: the room, by id ("!abc:example.org") or alias
// ("#ops:example.org"). An alias is kept as given and resolved on every send, so a room
// that is upgraded or re-pointed keeps receiving. Healthchecks stores the room id as `value`.
import { legacyValue, stringSetting, type RawSettings } from '../fields.ts';

export interface MatrixConfig {
  readonly room: string;
}

// Room ids are "!" and an opaque part, with ":server" before room version 12; aliases are
// "#name:server". Matrix caps both at 255 bytes.
const ROOM = /^(![^\s:]+(:\S+)?|#[^\s:]+:\S+)$/;

/** Validates and normalises Matrix settings; throws ChannelConfigError naming the field. */
export function parseMatrixConfig(raw: RawSettings): MatrixConfig {
  const legacy = legacyValue(raw, ['room']);
  const fields = legacy === null ? raw : { room: legacy };
  const room = stringSetting(fields, 'room', { max: 255, pattern: ROOM, describe: 'a room id (!id:server) or alias (#name:server)' });
  return { room };
}

/** True for "#name:server". */
export function isAlias(room: string): boolean {
  return room.startsWith('#');
}
