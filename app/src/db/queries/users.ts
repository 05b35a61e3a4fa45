// SQL for the users table.
import type { Queryable } from '../pool.ts';

export interface UserRecord {
  id: number;
  email: string;
  hasPassword: boolean;
  createdAt: Date;
}

const USER_COLUMNS = 'id, email, password_hash is not null as "hasPassword", created_at as "createdAt"';

/** Inserts a user; null when the email is taken (the existing user is left alone). */
export async function insertUser(
  db: Queryable,
  user: { email: string; passwordHash: string | null; createdAt: Date },
): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRecord>(
    `insert into users (email, password_hash, created_at)
     values ($1, $2, $3)
     on conflict (email) do nothing
     returning ${USER_COLUMNS}`,
    [user.email, user.passwordHash, user.createdAt],
  );
  return rows[0] ?? null;
}

/** The user with `email` (already lowercased); null when there is none. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRecord>(
    `select ${USER_COLUMNS}
       from users
      where email = $1`,
    [email],
  );
  return rows[0] ?? null;
}
