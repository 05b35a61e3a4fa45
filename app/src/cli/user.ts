// `cronwarden user create|keys`: users and their account API keys.
import { parseArgs } from 'node:util';
import { MIN_PASSWORD_LENGTH, hashPassword } from '../accounts/passwords.ts';
import { createUser, issueAccountKey, normaliseEmail } from '../accounts/users.ts';
import { withTransaction } from '../db/pool.ts';
import { findUserByEmail } from '../db/queries/users.ts';
import { processIo, runCommand, UsageError, type CliIo } from './io.ts';

const USAGE = `usage:
  cronwarden user create --email EMAIL [--password-stdin] [--api-key [--key-name NAME]] [--json]
  cronwarden user keys create --email EMAIL [--key-name NAME] [--json]

  --password-stdin  read the password (at least ${MIN_PASSWORD_LENGTH} characters) from standard input
  --api-key         also issue an account API key: it lists and creates the user's projects
`;

function email(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--email EMAIL is required');
  const normalised = normaliseEmail(value);
  if (!normalised) throw new UsageError(`--email: not an email address: ${JSON.stringify(value)}`);
  return normalised;
}

async function readPassword(io: CliIo): Promise<string> {
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  return password;
}

async function create(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, 'api-key': { type: 'boolean' }, 'key-name': { type: 'string' }, json: { type: 'boolean' } },
  });
  const address = email(values.email);
  const passwordHash = values['password-stdin'] ? await hashPassword(await readPassword(io)) : null;
  const db = await io.open();
  if (!db) return 1;
  try {
    const result = await withTransaction(db.pool, async (tx) => {
      const user = await createUser(tx, address, passwordHash, io.now());
      if (!user) return null;
      const key = values['api-key'] ? await issueAccountKey(tx, user.id, values['key-name'] ?? '', io.now()) : null;
      return { user, key };
    });
    if (!result) throw new UsageError(`a user with email ${address} already exists`);
    if (values.json) {
      io.out(`${JSON.stringify({ email: result.user.email, password: result.user.hasPassword, api_key: result.key })}\n`);
    } else {
      io.out(`Created user ${result.user.email}${result.user.hasPassword ? ' with a password' : ' (no password)'}.\n`);
      if (result.key) io.out(`Account API key (shown only now, store it): ${result.key}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

async function keysCreate(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, 'key-name': { type: 'string' }, json: { type: 'boolean' } } });
  const address = email(values.email);
  const db = await io.open();
  if (!db) return 1;
  try {
    const user = await findUserByEmail(db.pool, address);
    if (!user) throw new UsageError(`no user with email ${address}; create one with: cronwarden user create --email ${address}`);
    const key = await withTransaction(db.pool, (tx) => issueAccountKey(tx, user.id, values['key-name'] ?? '', io.now()));
    io.out(values.json ? `${JSON.stringify({ email: user.email, api_key: key })}\n` : `Account API key for ${user.email} (shown only now, store it): ${key}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `cronwarden user ...` with the given I/O (tests pass their own). */
export async function runUser(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, async () => {
    const [sub, ...rest] = args;
    if (sub === 'create') return create(io, rest);
    if (sub === 'keys' && rest[0] === 'create') return keysCreate(io, rest.slice(1));
    io.err(USAGE);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  });
}

export function run(args: string[]): Promise<number> {
  return runUser(args, processIo());
}
