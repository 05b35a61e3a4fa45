// Rows for tests, inserted with plain SQL so that tests of one query module do not depend on
// another. Every helper returns the row as the database stored it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';

export interface ProjectRow {
  id: number;
  code: string;
  name: string;
  owner_id: number | null;
  ping_key: string | null;
  badge_key: string;
}

export interface CheckRow {
  id: number;
  code: string;
  project_id: number;
  name: string;
  slug: string;
  status: string;
  [column: string]: unknown;
}

export interface ChannelRow {
  id: number;
  code: string;
  project_id: number;
  kind: string;
  name: string;
  config: unknown;
}

const pingKey = () =>
  Array.from(randomBytes(22), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

export async function insertUser(db: Queryable, email = `user-${randomUUID()}@example.org`): Promise<{ id: number; email: string }> {
  const { rows } = await db.query('insert into users (email) values ($1) returning id, email', [email]);
  return rows[0];
}

export async function insertProject(db: Queryable, fields: Partial<ProjectRow> = {}): Promise<ProjectRow> {
  const { rows } = await db.query<ProjectRow>(
    `insert into projects (code, name, owner_id, ping_key, badge_key)
     values ($1, $2, $3, $4, $5)
     returning id, code, name, owner_id, ping_key, badge_key`,
    [
      fields.code ?? randomUUID(),
      fields.name ?? 'Test project',
      fields.owner_id ?? null,
      fields.ping_key === undefined ? pingKey() : fields.ping_key,
      fields.badge_key ?? randomUUID(),
    ],
  );
  return rows[0]!;
}

/** A check in `projectId`; `fields` are column names and values, written as given. */
export async function insertCheck(db: Queryable, projectId: number, fields: Record<string, unknown> = {}): Promise<CheckRow> {
  const values: Record<string, unknown> = { code: randomUUID(), badge_key: randomUUID(), ...fields, project_id: projectId };
  const columns = Object.keys(values);
  const { rows } = await db.query<CheckRow>(
    `insert into checks (${columns.join(', ')})
     values (${columns.map((_, i) => `$${i + 1}`).join(', ')})
     returning *`,
    Object.values(values),
  );
  return rows[0]!;
}

export async function insertChannel(
  db: Queryable,
  projectId: number,
  fields: { kind?: string; name?: string; config?: unknown; checkIds?: number[] } = {},
): Promise<ChannelRow> {
  const { rows } = await db.query<ChannelRow>(
    `insert into channels (code, project_id, kind, name, config)
     values ($1, $2, $3, $4, $5)
     returning id, code, project_id, kind, name, config`,
    [randomUUID(), projectId, fields.kind ?? 'webhook', fields.name ?? '', JSON.stringify(fields.config ?? {})],
  );
  const channel = rows[0]!;
  for (const checkId of fields.checkIds ?? []) {
    await db.query('insert into check_channels (check_id, channel_id) values ($1, $2)', [checkId, channel.id]);
  }
  return channel;
}
