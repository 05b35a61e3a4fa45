// Token buckets for the integrations' local rate limits (the table of migration 0005).
import type { Queryable } from '../pool.ts';

export interface BucketLevel {
  tokens: number;
  updated_at: Date;
}

/**
 * Takes one token from bucket `key` (created full), refilled at `capacity` per
 * `intervalSeconds`; true when taken. One statement: insert-or-update locks the bucket's row,
 * and the condition is evaluated on the newest version of it, so concurrent takers in several
 * processes never spend the same token. A clock behind the stored time refills nothing.
 */
export async function takeToken(db: Queryable, key: string, capacity: number, intervalSeconds: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into token_buckets as b (key, tokens, updated_at)
     values ($1, $2::float8 - 1, $4)
     on conflict (key) do update
        set tokens = least($2::float8, b.tokens + greatest(0, extract(epoch from $4::timestamptz - b.updated_at)::float8) * $2::float8 / $3::float8) - 1,
            updated_at = greatest(b.updated_at, $4::timestamptz)
      where least($2::float8, b.tokens + greatest(0, extract(epoch from $4::timestamptz - b.updated_at)::float8) * $2::float8 / $3::float8) >= 1 - 1e-9`,
    [key, capacity, intervalSeconds, now],
  );
  return rowCount === 1;
}

/** The stored level of bucket `key` (before refilling); null when it has no row. */
export async function bucketLevel(db: Queryable, key: string): Promise<BucketLevel | null> {
  const { rows } = await db.query<BucketLevel>(
    `select tokens, updated_at
       from token_buckets
      where key = $1`,
    [key],
  );
  return rows[0] ?? null;
}

/** Deletes buckets untouched since `before` (full again, so the same as absent); returns how many. */
export async function pruneTokenBuckets(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `delete from token_buckets
      where updated_at < $1`,
    [before],
  );
  return rowCount ?? 0;
}
