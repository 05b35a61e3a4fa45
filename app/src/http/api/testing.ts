// Helpers for the API's contract tests: a running server with a project and its keys.
import { createProject } from '../../accounts/projects.ts';
import { withTransaction } from '../../db/pool.ts';
import type { ProjectRecord } from '../../db/queries/projects.ts';
import { insertUser } from '../../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

export interface ApiFixture extends TestServer {
  project: ProjectRecord;
  /** Read-write and read-only keys of `project`. */
  rw: string;
  ro: string;
  /** Another project (another owner) and its read-write key. */
  other: ProjectRecord;
  otherRw: string;
  /** A request to `${url}${path}` with the read-write key unless `key` says otherwise (null: none). */
  api(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
}

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

/** The real server over a fresh database with two projects, each owned by its own user. */
export async function apiFixture(t: TestLike, env: Record<string, string> = {}): Promise<ApiFixture> {
  const server = await startTestServer(t, { env });
  const now = server.clock.read();
  const make = async (name: string) => {
    const owner = await insertUser(server.pool);
    return withTransaction(server.pool, (db) => createProject(db, { name, ownerId: owner.id, now }));
  };
  const mine = await make('Mine');
  const theirs = await make('Theirs');
  const api: ApiFixture['api'] = (path, init = {}) => {
    const { key = mine.apiKey, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== null) headers.set('X-Api-Key', key);
    const body = json === undefined ? rest.body : JSON.stringify(json);
    const method = rest.method ?? (json === undefined ? 'GET' : 'POST');
    return fetch(`${server.url}${path}`, { ...rest, method, headers, body });
  };
  return { ...server, project: mine.project, rw: mine.apiKey, ro: mine.apiKeyReadonly, other: theirs.project, otherRw: theirs.apiKey, api };
}

/** Keys of a check in API v3 with a read-write key, in Healthchecks' order (simple kind). */
export const RW_SIMPLE_KEYS = [
  'name', 'slug', 'tags', 'desc', 'grace', 'n_pings', 'status', 'started', 'last_ping', 'next_ping',
  'manual_resume', 'methods', 'subject', 'subject_fail', 'start_kw', 'success_kw', 'failure_kw',
  'filter_subject', 'filter_body', 'filter_http_body', 'filter_default_fail', 'badge_url',
  'uuid', 'ping_url', 'update_url', 'pause_url', 'resume_url', 'channels', 'timeout',
];
