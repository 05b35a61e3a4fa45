// An Opsgenie channel's settings: the API key of an Opsgenie API integration and the region
// of the Opsgenie account. Healthchecks stores them as JSON in `value` (a bare key in older
// versions, which meant the US region); both are accepted on input.
import { choiceSetting, legacyJson, legacyValue, stringSetting, type RawSettings } from '../fields.ts';

export const REGIONS = ['us', 'eu'] as const;
export type Region = (typeof REGIONS)[number];

export interface OpsgenieConfig {
  readonly key: string;
  readonly region: Region;
}

// Opsgenie's keys are UUIDs; Healthchecks allowed up to 40 characters.
const KEY = { max: 40, pattern: /^[A-Za-z0-9-]{8,40}$/, describe: 'an Opsgenie API integration key' };

/** Validates and normalises Opsgenie settings; throws ChannelConfigError naming the field. */
export function parseOpsgenieConfig(raw: RawSettings): OpsgenieConfig {
  const legacy = legacyValue(raw, ['key', 'region']);
  const fields = legacy === null ? raw : legacy.startsWith('{') ? legacyJson(legacy) : { key: legacy };
  return { key: stringSetting(fields, 'key', KEY), region: choiceSetting(fields, 'region', REGIONS, 'us') };
}
