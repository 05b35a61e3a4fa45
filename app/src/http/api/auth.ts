// Who is calling: Healthchecks' authorize and authorize_read decorators, plus account keys.
// Order matters and is Healthchecks': a POST body is parsed as JSON first (so malformed JSON
// is reported before a missing key), then the key is looked up.
import type express from 'express';
import { hashApiKey, API_KEY_LENGTH, type KeyScope } from '../../accounts/keys.ts';
import { useApiKey } from '../../db/queries/api-keys.ts';
import { findProjectById, type ProjectRecord } from '../../db/queries/projects.ts';
import { AuthError } from '../errors.ts';
import { parseJsonBody, pythonStr, type JsonObject } from './body.ts';
import type { ApiScope } from './endpoint.ts';

export interface ProjectAuth {
  project: ProjectRecord;
  /** True for a read-only key: responses carry unique_key instead of UUIDs and URLs. */
  readonly: boolean;
  /** The parsed JSON body of a POST; {} otherwise. */
  body: JsonObject;
}

export interface AccountAuth {
  userId: number;
  body: JsonObject;
}

/** The key from X-Api-Key, else (POST only) from the body's api_key; '' when neither is there. */
function presentedKey(req: express.Request, body: JsonObject, bodyAllowed: boolean): string {
  const header = req.headers['x-api-key'];
  if (header !== undefined) return Array.isArray(header) ? header.join(', ') : header;
  if (bodyAllowed && Object.hasOwn(body, 'api_key')) return pythonStr(body.api_key);
  return '';
}

function bodyOf(req: express.Request): JsonObject {
  return req.method === 'POST' ? parseJsonBody(req.body) : {};
}

async function lookUp(scope: ApiScope, key: string, scopes: readonly KeyScope[]) {
  if (key.length !== API_KEY_LENGTH) throw new AuthError('missing api key');
  const record = await useApiKey(scope.ctx.pool, hashApiKey(key), scopes, scope.ctx.clock());
  if (!record) throw new AuthError('wrong api key');
  return record;
}

async function projectOf(scope: ApiScope, projectId: number | null): Promise<ProjectRecord> {
  const project = projectId === null ? null : await findProjectById(scope.ctx.pool, projectId);
  if (!project) throw new AuthError('wrong api key');
  return project;
}

/** Read-write project key, from the header or a POST body (Healthchecks' `authorize`). */
export async function authorizeWrite(scope: ApiScope, req: express.Request): Promise<ProjectAuth> {
  const body = bodyOf(req);
  const record = await lookUp(scope, presentedKey(req, body, true), ['read_write']);
  return { project: await projectOf(scope, record.projectId), readonly: false, body };
}

/** Read-write or read-only project key, from the header only (Healthchecks' `authorize_read`). */
export async function authorizeRead(scope: ApiScope, req: express.Request): Promise<ProjectAuth> {
  const record = await lookUp(scope, presentedKey(req, {}, false), ['read_write', 'read_only']);
  return { project: await projectOf(scope, record.projectId), readonly: record.scope === 'read_only', body: {} };
}

/** Account key (Cronwarden's extension), from the header or a POST body. */
export async function authorizeAccount(scope: ApiScope, req: express.Request): Promise<AccountAuth> {
  const body = bodyOf(req);
  const record = await lookUp(scope, presentedKey(req, body, true), ['account']);
  if (record.userId === null) throw new AuthError('wrong api key');
  return { userId: record.userId, body };
}
