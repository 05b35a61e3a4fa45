// SQL for the api_keys table. Only digests are stored; the keys themselves are shown once.
import type { KeyScope } from '../../accounts/keys.ts';
import type { Queryable } from '../pool.ts';

export interface ApiKeyRecord {
  id: number;
  scope: KeyScope;
  projectId: number | null;
  userId: number | null;
  prefix: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_COLUMNS = `
  id, scope, project_id as "projectId", user_id as "userId", prefix, name,
  created_at as "createdAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"`;

/** Stores a new key's digest; `projectId` for project keys, `userId` for account keys. */
export async function insertApiKey(
  db: Queryable,
  key: { scope: KeyScope; projectId: number | null; userId: number | null; prefix: string; hash: Buffer; name: string; createdAt: Date },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query<ApiKeyRecord>(
    `insert into api_keys (scope, project_id, user_id, prefix, hash, name, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     returning ${KEY_COLUMNS}`,
    [key.scope, key.projectId, key.userId, key.prefix, key.hash, key.name, key.createdAt],
  );
  return rows[0]!;
}

/**
 * The unrevoked key with digest `hash` if its scope is one of `scopes`, else null. Records the
 * use in last_used_at in the same statement, at most once a minute per key, so that a busy
 * client does not rewrite the row on every request.
 */
export async function useApiKey(db: Queryable, hash: Buffer, scopes: readonly KeyScope[], now: Date): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRecord>(
    `with found as (
       select ${KEY_COLUMNS}
         from api_keys
        where hash = $1
          and revoked_at is null
          and scope = any($2::text[])),
     touched as (
       update api_keys
          set last_used_at = $3
        where id = (select id from found)
          and (last_used_at is null or last_used_at < $3::timestamptz - interval '1 minute'))
     select * from found`,
    [hash, scopes, now],
  );
  return rows[0] ?? null;
}

/** Revokes the project's unrevoked keys of the given scopes; returns how many. */
export async function revokeProjectKeys(db: Queryable, projectId: number, scopes: readonly KeyScope[], now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `update api_keys
        set revoked_at = $3
      where project_id = $1
        and scope = any($2::text[])
        and revoked_at is null`,
    [projectId, scopes, now],
  );
  return rowCount ?? 0;
}

/** The project's keys, revoked ones included, oldest first. */
export async function listProjectKeys(db: Queryable, projectId: number): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRecord>(
    `select ${KEY_COLUMNS}
       from api_keys
      where project_id = $1
      order by id`,
    [projectId],
  );
  return rows;
}
