// Bodies of Cronwarden's channel write endpoints (not in Healthchecks): same error style as
// checks, then the kind's own parseConfig, whose ChannelConfigError message reaches the client.
import { findChannelKind } from '../../../integrations/registry.ts';
import { ValidationError } from '../../errors.ts';
import { plainJson, type JsonObject } from '../body.ts';
import { codePoints } from '../checks/schema.ts';

export interface ChannelSpec {
  kind: string;
  name: string;
  /** The settings as the kind's parseConfig normalised them. */
  config: unknown;
  /** "*", "" or comma-separated check UUIDs; undefined leaves the links as they are. */
  checks?: string;
}

function fail(message: string): never {
  throw new ValidationError(`json validation error: ${message}`);
}

function optionalString(body: JsonObject, field: string): string | undefined {
  if (!Object.hasOwn(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'string') fail(`${field} is not a string`);
  return value;
}

/**
 * Validates a create body (`current` null) or an update body (only the fields given change;
 * kind or config given means the settings are parsed again by the resulting kind).
 */
export function parseChannelSpec(body: JsonObject, current: { kind: string; name: string; config: unknown } | null): ChannelSpec {
  const kindText = optionalString(body, 'kind');
  if (current === null && kindText === undefined) fail('kind is missing');
  const kind = kindText ?? current!.kind;
  const channelKind = findChannelKind(kind);
  if (!channelKind) fail('kind has unexpected value');
  const name = optionalString(body, 'name');
  if (name !== undefined && codePoints(name) > 100) fail('name is too long');
  const checks = optionalString(body, 'checks');
  const rawConfig = Object.hasOwn(body, 'config') ? plainJson(body.config) : current?.config;
  const reparse = current === null || kindText !== undefined || Object.hasOwn(body, 'config');
  const config = reparse ? channelKind.parseConfig(rawConfig === undefined ? {} : rawConfig) : current!.config;
  return { kind, name: name ?? current?.name ?? '', config, ...(checks === undefined ? {} : { checks }) };
}

/**
 * The check ids `checks` names among the project's: "*" all, "" none, else comma-separated
 * check UUIDs. Null when the body has no `checks`. Errors mirror the check API's channel texts.
 */
export function resolveChecks(value: string | undefined, available: ReadonlyArray<{ id: number; code: string }>): number[] | null {
  if (value === undefined) return null;
  if (value === '*') return available.map((c) => c.id);
  if (value === '') return [];
  const chosen = new Set<number>();
  for (const identifier of value.split(',')) {
    if (identifier === '') throw new ValidationError('empty check identifier');
    const match = available.find((c) => c.code === identifier);
    if (!match) throw new ValidationError(`invalid check identifier: ${identifier}`);
    chosen.add(match.id);
  }
  return [...chosen];
}
