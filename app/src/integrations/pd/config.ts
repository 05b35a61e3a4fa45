// A PagerDuty channel's settings: the integration (routing) key of an Events API v2
// integration on a PagerDuty service, and the severity of the alerts it raises. Healthchecks
// stores the key as `value` (plain, or JSON with `service_key`); both are accepted on input.
import { choiceSetting, legacyJson, legacyValue, stringSetting, type RawSettings } from '../fields.ts';

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface PagerDutyConfig {
  readonly routing_key: string;
  readonly severity: Severity;
}

const KEY = { max: 32, pattern: /^[A-Za-z0-9]{32}$/, describe: 'a PagerDuty integration key (32 letters and digits)' };

/** Validates and normalises PagerDuty settings; throws ChannelConfigError naming the field. */
export function parsePagerDutyConfig(raw: RawSettings): PagerDutyConfig {
  const legacy = legacyValue(raw, ['routing_key', 'service_key']);
  let routing_key: string;
  if (legacy !== null) {
    const key = legacy.startsWith('{') ? legacyJson(legacy).service_key : legacy;
    routing_key = stringSetting({ service_key: key }, 'service_key', KEY);
  } else if (raw.routing_key === undefined && raw.service_key !== undefined) {
    routing_key = stringSetting(raw, 'service_key', KEY);
  } else {
    routing_key = stringSetting(raw, 'routing_key', KEY);
  }
  return { routing_key, severity: choiceSetting(raw, 'severity', SEVERITIES, 'critical') };
}
