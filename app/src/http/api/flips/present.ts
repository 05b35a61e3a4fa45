// The only place a flip becomes JSON: Healthchecks' Flip.to_dict.
import type { LoggedFlip } from '../../../db/queries/flip-log.ts';
import { isoSeconds } from '../checks/present.ts';

/** `up` is 1 only for a flip to up: pause and resume flips show 0, as in Healthchecks. */
export function presentFlip(flip: LoggedFlip): { timestamp: string; up: 0 | 1 } {
  return { timestamp: isoSeconds(flip.createdAt)!, up: flip.newStatus === 'up' ? 1 : 0 };
}
