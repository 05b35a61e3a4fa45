// The body of "create a check" and "update a check", validated as Healthchecks' pydantic Spec
// in strict mode: fields in its order, the first error only, its exact texts, null rejected
// for every field, unknown keys ignored.
import { canonicalTimezone, guessKind, parseSchedule, ScheduleError } from '../../../core/schedule/index.ts';
import { ValidationError } from '../../errors.ts';
import { integerLiteral, isLosslessNumber, type JsonObject } from '../body.ts';

export const UNIQUE_FIELDS = ['name', 'slug', 'tags', 'timeout', 'grace'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

/** A validated body: a field is present only when the client sent it. */
export interface CheckSpec {
  channels?: string;
  desc?: string;
  failureKw?: string;
  filterSubject?: boolean;
  filterBody?: boolean;
  filterHttpBody?: boolean;
  filterDefaultFail?: boolean;
  grace?: number;
  manualResume?: boolean;
  methods?: '' | 'POST';
  name?: string;
  schedule?: string;
  slug?: string;
  startKw?: string;
  subject?: string;
  subjectFail?: string;
  successKw?: string;
  tags?: string;
  timeout?: number;
  tz?: string;
  unique?: UniqueField[];
}

const MIN_DURATION = 60;
const MAX_DURATION = 31_536_000;
/** The tags column's limit. Healthchecks has no API check and answers 500; we answer 400. */
const MAX_TAGS_LENGTH = 500;

function fail(field: string, problem: string): never {
  throw new ValidationError(`json validation error: ${field} ${problem}`);
}

/** Length in code points, as Python's len() counts (and PostgreSQL's length()). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function string(body: JsonObject, field: string, options: { max?: number; pattern?: RegExp } = {}): string | undefined {
  if (!Object.hasOwn(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'string') fail(field, 'is not a string');
  if (options.max !== undefined && codePoints(value) > options.max) fail(field, 'is too long');
  if (options.pattern && !options.pattern.test(value)) fail(field, 'does not match pattern');
  return value;
}

function boolean(body: JsonObject, field: string): boolean | undefined {
  if (!Object.hasOwn(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'boolean') fail(field, 'is not a boolean');
  return value;
}

/** Whole seconds from a JSON integer. Python counts true and false as 1 and 0; so do we. */
function seconds(body: JsonObject, field: string): number | undefined {
  if (!Object.hasOwn(body, field)) return undefined;
  const value = body[field];
  const n = typeof value === 'boolean' ? Number(value) : isLosslessNumber(value) ? integerLiteral(value) : null;
  if (n === null) fail(field, 'is not a number');
  if (n < MIN_DURATION) fail(field, 'is too small');
  if (n > MAX_DURATION) fail(field, 'is too large');
  return n;
}

function methods(body: JsonObject): '' | 'POST' | undefined {
  if (!Object.hasOwn(body, 'methods')) return undefined;
  const value = body.methods;
  if (value !== '' && value !== 'POST') fail('methods', 'has unexpected value');
  return value;
}

/** True when the schedule engine parses `expression` and finds a fire time after 2000-01-01. */
export function isValidSchedule(expression: string): boolean {
  try {
    return parseSchedule(guessKind(expression), expression, 'UTC').next(new Date(Date.UTC(2000, 0, 1))) !== null;
  } catch (error) {
    if (error instanceof ScheduleError) return false;
    throw error;
  }
}

function schedule(body: JsonObject): string | undefined {
  const value = string(body, 'schedule', { max: 100 });
  if (value !== undefined && !isValidSchedule(value)) fail('schedule', 'is not a valid cron or OnCalendar expression');
  return value;
}

function timezone(body: JsonObject): string | undefined {
  const value = string(body, 'tz');
  if (value === undefined) return undefined;
  return canonicalTimezone(value) ?? fail('tz', 'is not a valid timezone');
}

function unique(body: JsonObject): UniqueField[] | undefined {
  if (!Object.hasOwn(body, 'unique')) return undefined;
  const value = body.unique;
  if (!Array.isArray(value)) fail('unique', 'is not an array');
  return value.map((item: unknown) => {
    const field = UNIQUE_FIELDS.find((f) => f === item);
    if (field === undefined) throw new ValidationError("json validation error: an item in 'unique' has unexpected value");
    return field;
  });
}

function defined<T extends object>(spec: T): T {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as T;
}

/** Validates a create or update body; throws ValidationError with the first problem. */
export function parseCheckSpec(body: JsonObject): CheckSpec {
  // Pydantic validates in the order the Spec declares its fields; the first error wins, so
  // the order of these lines is part of the API.
  return defined({
    channels: string(body, 'channels'),
    desc: string(body, 'desc'),
    failureKw: string(body, 'failure_kw', { max: 200 }),
    filterSubject: boolean(body, 'filter_subject'),
    filterBody: boolean(body, 'filter_body'),
    filterHttpBody: boolean(body, 'filter_http_body'),
    filterDefaultFail: boolean(body, 'filter_default_fail'),
    grace: seconds(body, 'grace'),
    manualResume: boolean(body, 'manual_resume'),
    methods: methods(body),
    name: string(body, 'name', { max: 100 }),
    schedule: schedule(body),
    slug: string(body, 'slug', { max: 100, pattern: /^[a-z0-9-_]*$/ }),
    startKw: string(body, 'start_kw', { max: 200 }),
    subject: string(body, 'subject', { max: 200 }),
    subjectFail: string(body, 'subject_fail', { max: 200 }),
    successKw: string(body, 'success_kw', { max: 200 }),
    tags: string(body, 'tags', { max: MAX_TAGS_LENGTH }),
    timeout: seconds(body, 'timeout'),
    tz: timezone(body),
    unique: unique(body),
  });
}
