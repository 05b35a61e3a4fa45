// Settings every channel may carry beside its integration's own (inside channels.config), so
// that the management API stores them through the same parseConfig without knowing them.
import { MAX_REMINDER_INTERVAL, MIN_REMINDER_INTERVAL } from '../core/reminders.ts';
import { ChannelConfigError } from './types.ts';

export interface CommonSettings {
  /** Seconds between "still down" reminders; 0 (or absent) = no reminders. */
  readonly reminder_interval: number;
}

export const COMMON_KEYS = ['reminder_interval'] as const;

/** Splits the common settings from the integration's own; throws ChannelConfigError. */
export function splitCommonSettings(raw: unknown): { common: CommonSettings; own: Record<string, unknown> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ChannelConfigError('config must be a JSON object');
  }
  const { reminder_interval: interval = 0, ...own } = raw as Record<string, unknown>;
  if (typeof interval !== 'number' || !Number.isInteger(interval)) {
    throw new ChannelConfigError('reminder_interval must be an integer number of seconds');
  }
  if (interval !== 0 && (interval < MIN_REMINDER_INTERVAL || interval > MAX_REMINDER_INTERVAL)) {
    throw new ChannelConfigError(
      `reminder_interval must be 0 (no reminders) or from ${MIN_REMINDER_INTERVAL} to ${MAX_REMINDER_INTERVAL} seconds`,
    );
  }
  return { common: { reminder_interval: interval }, own };
}
