// A Pushover channel's settings: whom to notify (a user or group key) and the priority of
// "down" and "up" messages. Healthchecks stores "<user key>|<priority>|<priority when up>";
// that value is accepted on input, the normalised object is stored.
import { integerSetting, legacyValue, stringSetting, type RawSettings } from '../fields.ts';
import { ChannelConfigError, type Direction } from '../types.ts';

/** Priorities run from -2 (lowest) to 2; -3 disables a direction; 2 is emergency (repeated until acknowledged). */
export const DISABLED = -3;
export const EMERGENCY = 2;

export interface PushoverConfig {
  /** A Pushover user or group key: 30 letters and digits. */
  readonly user_key: string;
  /** Priority of "down" messages (and reminders). */
  readonly priority: number;
  /** Priority of "up" messages. */
  readonly priority_up: number;
}

const USER_KEY = /^[A-Za-z0-9]{30}$/;
const PRIORITY = { min: DISABLED, max: EMERGENCY, describe: 'an integer from -3 (disabled) to 2 (emergency)' };

/** Validates and normalises Pushover settings; throws ChannelConfigError naming the field. */
export function parsePushoverConfig(raw: RawSettings): PushoverConfig {
  const legacy = legacyValue(raw, ['user_key', 'priority', 'priority_up']);
  const fields = legacy === null ? raw : fromLegacy(legacy);
  const user_key = stringSetting(fields, 'user_key', { max: 30, pattern: USER_KEY, describe: 'a Pushover user or group key (30 letters and digits)' });
  const priority = integerSetting(fields, 'priority', { ...PRIORITY, fallback: 0 });
  // As in Healthchecks, "up" messages take the "down" priority unless told otherwise.
  const priority_up = integerSetting(fields, 'priority_up', { ...PRIORITY, fallback: priority });
  if (priority === DISABLED && priority_up === DISABLED) {
    throw new ChannelConfigError('priority and priority_up cannot both be -3 (disabled)');
  }
  return { user_key, priority, priority_up };
}

/** The priority of `direction`'s messages. */
export function priorityFor(config: PushoverConfig, direction: Direction): number {
  return direction === 'down' ? config.priority : config.priority_up;
}

/**
 * True when nothing is sent for `direction`. An "up" with priority -3 still has work to do
 * when "down" messages are emergencies: it cancels the emergency, which would otherwise keep
 * repeating on the phone for hours after the check recovered.
 */
export function isPushoverNoop(config: PushoverConfig, direction: Direction): boolean {
  if (direction === 'down') return config.priority === DISABLED;
  return config.priority_up === DISABLED && config.priority !== EMERGENCY;
}

// "<user key>|<priority>" or "<user key>|<priority>|<priority when up>".
function fromLegacy(value: string): RawSettings {
  const parts = value.split('|');
  const integer = (text: string | undefined) => (text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text) : NaN);
  const [user_key, priority, priority_up] = [parts[0], integer(parts[1]), parts.length === 3 ? integer(parts[2]) : undefined];
  if (parts.length < 2 || parts.length > 3 || Number.isNaN(priority) || (priority_up !== undefined && Number.isNaN(priority_up))) {
    throw new ChannelConfigError('value must be "<user key>|<priority>|<priority when up>" (Healthchecks\' format)');
  }
  return { user_key, priority, priority_up };
}
