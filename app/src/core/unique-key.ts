// A check's unique_key: a stable, non-secret id derived from its UUID. Healthchecks shows it to
// read-only API keys and uses it as the incident key of PagerDuty, Opsgenie and Pushover, so
// the "down" and "up" of one check pair up at those services. Knowing it does not let anyone
// ping the check (the UUID cannot be recovered from it).
import { createHash } from 'node:crypto';

/** sha1 (hex) of the first 16 hex digits of the UUID without dashes, as Healthchecks computes it. */
export function uniqueKey(code: string): string {
  return createHash('sha1').update(code.replaceAll('-', '').slice(0, 16)).digest('hex');
}
