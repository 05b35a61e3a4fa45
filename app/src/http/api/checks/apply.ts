// What a validated body does to a check, as Healthchecks' _update does it. Pure: the routes
// read the check and the project's channels, call these, and write the result.
import { guessKind } from '../../../core/schedule/index.ts';
import type { CheckFields } from '../../../db/queries/checks.ts';
import { ValidationError } from '../../errors.ts';
import type { ApiVersion } from '../endpoint.ts';
import type { CheckSpec, UniqueField } from './schema.ts';

/** A new check's fields before the body is applied: Healthchecks' defaults. */
export const NEW_CHECK: Readonly<CheckFields> = {
  name: '',
  slug: '',
  tags: '',
  description: '',
  kind: 'simple',
  timeoutSeconds: 86_400,
  graceSeconds: 3_600,
  schedule: '* * * * *',
  tz: 'UTC',
  filterSubject: false,
  filterBody: false,
  filterHttpBody: false,
  filterDefaultFail: false,
  startKw: '',
  successKw: '',
  failureKw: '',
  methods: '',
  manualResume: false,
};

/** Only the fields the API writes, from a check read from the database. */
export function fieldsOf(check: Readonly<CheckFields>): CheckFields {
  const keys = Object.keys(NEW_CHECK) as Array<keyof CheckFields>;
  return Object.fromEntries(keys.map((key) => [key, check[key]])) as unknown as CheckFields;
}

// Python's \s over ASCII: the usual five, the space, and the separators \x1c-\x1f.
const WS = '\\t\\n\\v\\f\\r \\x1c-\\x1f';
const NOT_SLUG_CHAR = new RegExp(`[^A-Za-z0-9_${WS}-]`, 'g');
const SEPARATORS = new RegExp(`[${WS}-]+`, 'g');

/**
 * Django's slugify(): accents folded to ASCII, other characters dropped, runs of spaces and
 * hyphens made one hyphen, leading and trailing hyphens and underscores removed. Cut to the
 * slug column's 100 characters (compatibility forms can make a 100-character name longer).
 */
export function slugify(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  const slug = ascii.toLowerCase().replace(NOT_SLUG_CHAR, '').replace(SEPARATORS, '-').replace(/^[-_]+|[-_]+$/g, '');
  return slug.slice(0, 100);
}

/** The fields after applying `spec`; only the fields the body names change. */
export function applySpec(current: Readonly<CheckFields>, spec: CheckSpec, version: ApiVersion): CheckFields {
  const next: CheckFields = { ...current };
  if (spec.name !== undefined) {
    next.name = spec.name;
    // API v1 and v2 derive the slug from the name; an explicit slug (below) still wins.
    if (version < 3) next.slug = slugify(spec.name);
  }
  if (spec.schedule) {
    next.kind = guessKind(spec.schedule);
    next.schedule = spec.schedule;
  } else if (spec.timeout !== undefined) {
    next.kind = 'simple';
    next.timeoutSeconds = spec.timeout;
  }
  // subject and subject_fail are deprecated aliases of success_kw and failure_kw that also
  // switch subject filtering on or off; explicit fields below win because they come later.
  if (spec.subject !== undefined) {
    next.successKw = spec.subject;
    next.filterSubject = Boolean(next.successKw || next.failureKw);
  }
  if (spec.subjectFail !== undefined) {
    next.failureKw = spec.subjectFail;
    next.filterSubject = Boolean(next.successKw || next.failureKw);
  }
  if (spec.slug !== undefined) next.slug = spec.slug;
  if (spec.tags !== undefined) next.tags = spec.tags;
  if (spec.desc !== undefined) next.description = spec.desc;
  if (spec.manualResume !== undefined) next.manualResume = spec.manualResume;
  if (spec.methods !== undefined) next.methods = spec.methods;
  if (spec.tz !== undefined) next.tz = spec.tz;
  if (spec.startKw !== undefined) next.startKw = spec.startKw;
  if (spec.successKw !== undefined) next.successKw = spec.successKw;
  if (spec.failureKw !== undefined) next.failureKw = spec.failureKw;
  if (spec.filterSubject !== undefined) next.filterSubject = spec.filterSubject;
  if (spec.filterBody !== undefined) next.filterBody = spec.filterBody;
  if (spec.filterHttpBody !== undefined) next.filterHttpBody = spec.filterHttpBody;
  if (spec.filterDefaultFail !== undefined) next.filterDefaultFail = spec.filterDefaultFail;
  if (spec.grace !== undefined) next.graceSeconds = spec.grace;
  return next;
}

/**
 * The values a `unique` upsert matches on, or null when a listed field is missing from the
 * body (then Healthchecks always creates). An empty list also means "create".
 */
export function uniqueMatch(spec: CheckSpec): { name: string | null; slug: string | null; tags: string | null; timeoutSeconds: number | null; graceSeconds: number | null } | null {
  if (!spec.unique || spec.unique.length === 0) return null;
  const given: Record<UniqueField, string | number | undefined> = {
    name: spec.name,
    slug: spec.slug,
    tags: spec.tags,
    timeout: spec.timeout,
    grace: spec.grace,
  };
  if (spec.unique.some((field) => given[field] === undefined)) return null;
  const pick = <T>(field: UniqueField, value: T | undefined): T | null => (spec.unique!.includes(field) ? value ?? null : null);
  return {
    name: pick('name', spec.name),
    slug: pick('slug', spec.slug),
    tags: pick('tags', spec.tags),
    timeoutSeconds: pick('timeout', spec.timeout),
    graceSeconds: pick('grace', spec.grace),
  };
}

export interface ChannelRef {
  id: number;
  code: string;
  name: string;
}

/**
 * The channels named by the body's `channels`: "*" all of the project's, "" none, else a
 * comma-separated list of channel UUIDs or exact names. Null when the body has no `channels`
 * (the links stay as they are). Throws ValidationError with Healthchecks' texts.
 */
export function resolveChannels(value: string | undefined, available: readonly ChannelRef[]): number[] | null {
  if (value === undefined) return null;
  if (value === '*') return available.map((c) => c.id);
  if (value === '') return [];
  const chosen = new Set<number>();
  for (const identifier of value.split(',')) {
    if (identifier === '') throw new ValidationError('empty channel identifier');
    const matches = available.filter((c) => c.code === identifier || c.name === identifier);
    if (matches.length === 0) throw new ValidationError(`invalid channel identifier: ${identifier}`);
    if (matches.length > 1) throw new ValidationError(`non-unique channel identifier: ${identifier}`);
    chosen.add(matches[0]!.id);
  }
  return [...chosen];
}
