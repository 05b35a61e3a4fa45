// Which channels hear about a flip: Healthchecks' Flip.select_channels, minus its ordering
// (deliveries run in parallel here, so a slow channel cannot hold up a fast one).
import type { StoredStatus } from './status.ts';

export type Direction = 'up' | 'down';

export interface FlipStatuses {
  readonly oldStatus: StoredStatus;
  readonly newStatus: StoredStatus;
}

/**
 * The direction to announce, or null when the flip notifies nobody: new→up and paused→up
 * (the first ping of a check, a resumed check) and flips to new or paused (made by the API,
 * which marks them processed itself).
 */
export function alertDirection(flip: FlipStatuses): Direction | null {
  if (flip.newStatus === 'up') return flip.oldStatus === 'new' || flip.oldStatus === 'paused' ? null : 'up';
  if (flip.newStatus === 'down') return 'down';
  return null;
}

export interface CandidateChannel<Id> {
  readonly id: Id;
  readonly disabled: boolean;
  /** Whether the integration ignores this direction (a webhook without an up URL, email with up off). */
  isNoop(direction: Direction): boolean;
}

/** Ids of the channels to notify about `flip`: enabled ones for which the direction is not a no-op. */
export function selectChannels<Id>(flip: FlipStatuses, channels: readonly CandidateChannel<Id>[]): Id[] {
  const direction = alertDirection(flip);
  if (direction === null) return [];
  return channels.filter((c) => !c.disabled && !c.isNoop(direction)).map((c) => c.id);
}
