// Creating users and their account API keys: what the admin CLI uses.
import type { Queryable } from '../db/pool.ts';
import { insertApiKey } from '../db/queries/api-keys.ts';
import { insertUser, type UserRecord } from '../db/queries/users.ts';
import { issueApiKey } from './keys.ts';

/** Emails as Healthchecks stores them: trimmed and lowercased. Null when it is not an address. */
export function normaliseEmail(text: string): string | null {
  const email = text.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** A new user; null when the email is taken. */
export async function createUser(db: Queryable, email: string, passwordHash: string | null, now: Date): Promise<UserRecord | null> {
  return insertUser(db, { email, passwordHash, createdAt: now });
}

/** Issues an account API key for the user (it can list and create the user's projects). */
export async function issueAccountKey(db: Queryable, userId: number, name: string, now: Date): Promise<string> {
  const issued = issueApiKey('account');
  await insertApiKey(db, { scope: 'account', projectId: null, userId, prefix: issued.prefix, hash: issued.hash, name, createdAt: now });
  return issued.key;
}
