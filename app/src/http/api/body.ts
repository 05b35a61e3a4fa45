// Request bodies as Healthchecks reads them: UTF-8, JSON, an object. Numbers keep their literal
// text (lossless-json), because Healthchecks' strict validation rejects `60.0` and `6e1` where
// it wants an integer, and JSON.parse cannot tell those from `60`.
import { isLosslessNumber, parse, type LosslessNumber } from 'lossless-json';
import { ValidationError } from '../errors.ts';

export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The JSON object in a POST body; {} for an empty body. Throws ValidationError with
 * Healthchecks' texts: `could not parse request body` (not UTF-8 or not JSON) and
 * `json validation error: value is not an object`.
 */
export function parseJsonBody(raw: unknown): JsonObject {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  let value: unknown;
  try {
    value = parse(utf8.decode(raw));
  } catch {
    throw new ValidationError('could not parse request body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isLosslessNumber(value)) {
    throw new ValidationError('json validation error: value is not an object');
  }
  return value as JsonObject;
}

/** The integer a JSON number literal spells, or null when it is not an integer literal. */
export function integerLiteral(value: LosslessNumber): number | null {
  return /^-?\d+$/.test(value.value) ? Number(value.value) : null;
}

export { isLosslessNumber };

/** `value` with every number as a plain JS number, for code that knows nothing of literals. */
export function plainJson(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  return value;
}

/**
 * Python's str() of a JSON value, which is what Healthchecks does with a body's api_key. Only
 * its length matters to the answer (32 characters or not), so containers get a stand-in.
 */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (isLosslessNumber(value)) return value.value;
  return '';
}
