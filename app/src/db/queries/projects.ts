// SQL for the projects table.
import type { Queryable } from '../pool.ts';

export interface ProjectRecord {
  id: number;
  code: string;
  name: string;
  ownerId: number | null;
  ownerEmail: string | null;
  pingKey: string | null;
  badgeKey: string;
  createdAt: Date;
}

const PROJECT_COLUMNS = `
  p.id, p.code, p.name, p.owner_id as "ownerId", u.email as "ownerEmail", p.ping_key as "pingKey",
  p.badge_key as "badgeKey", p.created_at as "createdAt"`;

/** Inserts a project and returns it. */
export async function insertProject(
  db: Queryable,
  project: { code: string; name: string; ownerId: number | null; pingKey: string; badgeKey: string; createdAt: Date },
): Promise<ProjectRecord> {
  const { rows } = await db.query<ProjectRecord>(
    `with p as (
       insert into projects (code, name, owner_id, ping_key, badge_key, created_at)
       values ($1, $2, $3, $4, $5, $6)
       returning *)
     select ${PROJECT_COLUMNS}
       from p
       left join users u on u.id = p.owner_id`,
    [project.code, project.name, project.ownerId, project.pingKey, project.badgeKey, project.createdAt],
  );
  return rows[0]!;
}

/** The project with id `id`; null when there is none. */
export async function findProjectById(db: Queryable, id: number): Promise<ProjectRecord | null> {
  const { rows } = await db.query<ProjectRecord>(
    `select ${PROJECT_COLUMNS}
       from projects p
       left join users u on u.id = p.owner_id
      where p.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The project with UUID `code`; null when there is none. */
export async function findProjectByCode(db: Queryable, code: string): Promise<ProjectRecord | null> {
  const { rows } = await db.query<ProjectRecord>(
    `select ${PROJECT_COLUMNS}
       from projects p
       left join users u on u.id = p.owner_id
      where p.code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

export interface ProjectSummary extends ProjectRecord {
  checkCount: number;
}

/** Projects in creation order with their number of checks: all, or only those `ownerId` owns. */
export async function listProjects(db: Queryable, ownerId: number | null): Promise<ProjectSummary[]> {
  const { rows } = await db.query<ProjectSummary>(
    `select ${PROJECT_COLUMNS},
            (select count(*)::integer from checks c where c.project_id = p.id) as "checkCount"
       from projects p
       left join users u on u.id = p.owner_id
      where $1::integer is null or p.owner_id = $1
      order by p.id`,
    [ownerId],
  );
  return rows;
}

/** Replaces the project's ping key; every slug ping URL with the old key stops working. */
export async function setPingKey(db: Queryable, id: number, pingKey: string): Promise<void> {
  await db.query('update projects set ping_key = $2 where id = $1', [id, pingKey]);
}
