// Creating projects and rotating their keys: what the admin CLI and the account API share.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import { insertApiKey, revokeProjectKeys } from '../db/queries/api-keys.ts';
import { insertProject, setPingKey, type ProjectRecord } from '../db/queries/projects.ts';
import { issueApiKey, newBadgeKey, newPingKey, type KeyScope } from './keys.ts';

/** A project and the keys that were just made for it: the only time they can be shown. */
export interface NewProject {
  project: ProjectRecord;
  apiKey: string;
  apiKeyReadonly: string;
}

async function storeKey(db: Queryable, projectId: number, scope: KeyScope, now: Date): Promise<string> {
  const issued = issueApiKey(scope);
  await insertApiKey(db, { scope, projectId, userId: null, prefix: issued.prefix, hash: issued.hash, name: '', createdAt: now });
  return issued.key;
}

/** Creates a project with a ping key, a read-write and a read-only API key. Run it in a transaction. */
export async function createProject(db: Queryable, options: { name: string; ownerId: number | null; now: Date }): Promise<NewProject> {
  const project = await insertProject(db, {
    code: randomUUID(),
    name: options.name,
    ownerId: options.ownerId,
    pingKey: newPingKey(),
    badgeKey: newBadgeKey(),
    createdAt: options.now,
  });
  const apiKey = await storeKey(db, project.id, 'read_write', options.now);
  const apiKeyReadonly = await storeKey(db, project.id, 'read_only', options.now);
  return { project, apiKey, apiKeyReadonly };
}

export interface Rotation {
  readWrite: boolean;
  readOnly: boolean;
  pingKey: boolean;
}

export interface RotatedKeys {
  apiKey?: string;
  apiKeyReadonly?: string;
  pingKey?: string;
  /** API keys revoked by this rotation. */
  revoked: number;
}

/**
 * Revokes the project's API keys of the chosen kinds and issues one new key of each; with
 * `pingKey`, replaces the ping key (slug ping URLs change). Run it in a transaction.
 */
export async function rotateProjectKeys(db: Queryable, projectId: number, rotation: Rotation, now: Date): Promise<RotatedKeys> {
  const scopes: KeyScope[] = [];
  if (rotation.readWrite) scopes.push('read_write');
  if (rotation.readOnly) scopes.push('read_only');
  const result: RotatedKeys = { revoked: scopes.length > 0 ? await revokeProjectKeys(db, projectId, scopes, now) : 0 };
  if (rotation.readWrite) result.apiKey = await storeKey(db, projectId, 'read_write', now);
  if (rotation.readOnly) result.apiKeyReadonly = await storeKey(db, projectId, 'read_only', now);
  if (rotation.pingKey) {
    result.pingKey = newPingKey();
    await setPingKey(db, projectId, result.pingKey);
  }
  return result;
}
