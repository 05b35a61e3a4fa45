// The body of `POST /api/v<N>/projects/` (account keys only).
import { ValidationError } from '../../errors.ts';
import type { JsonObject } from '../body.ts';
import { codePoints } from '../checks/schema.ts';

/** The new project's name, 1 to 200 characters; throws ValidationError. */
export function parseProjectName(body: JsonObject): string {
  if (!Object.hasOwn(body, 'name')) throw new ValidationError('json validation error: name is missing');
  const name = body.name;
  if (typeof name !== 'string') throw new ValidationError('json validation error: name is not a string');
  if (name.trim() === '') throw new ValidationError('json validation error: name is too short');
  if (codePoints(name) > 200) throw new ValidationError('json validation error: name is too long');
  return name;
}
