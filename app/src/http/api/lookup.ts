// Finding the check a URL names, with Healthchecks' answers: 404 when there is no such check,
// 403 when it belongs to another project than the key's.
import { uniqueKey } from '../../core/unique-key.ts';
import type { Queryable } from '../../db/pool.ts';
import { findCheckByCode, listCheckCodes, type CheckRecord } from '../../db/queries/checks.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { ProjectAuth } from './auth.ts';

/** The check with UUID `code` if it is in the key's project; throws NotFoundError or ForbiddenError. */
export async function ownCheck(db: Queryable, auth: ProjectAuth, code: string): Promise<CheckRecord> {
  const check = await findCheckByCode(db, code);
  if (!check) throw new NotFoundError();
  if (check.projectId !== auth.project.id) throw new ForbiddenError();
  return check;
}

/** The check of the key's project whose unique_key is `key`; throws NotFoundError (never 403). */
export async function checkByUniqueKey(db: Queryable, auth: ProjectAuth, key: string): Promise<CheckRecord> {
  // As in Healthchecks: the key is derived from the UUID, so the project's codes are hashed
  // one by one. Projects hold at most a few thousand checks.
  const match = (await listCheckCodes(db, auth.project.id)).find((c) => uniqueKey(c.code) === key);
  const check = match ? await findCheckByCode(db, match.code) : null;
  if (!check) throw new NotFoundError();
  return check;
}
