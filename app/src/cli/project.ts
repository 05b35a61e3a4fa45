// `cronwarden project create|list|keys`: projects and their keys, before any web UI exists.
import { parseArgs } from 'node:util';
import { createProject, rotateProjectKeys, type Rotation } from '../accounts/projects.ts';
import { normaliseEmail } from '../accounts/users.ts';
import { withTransaction } from '../db/pool.ts';
import { listProjectKeys } from '../db/queries/api-keys.ts';
import { findProjectByCode, listProjects } from '../db/queries/projects.ts';
import { findUserByEmail } from '../db/queries/users.ts';
import { processIo, runCommand, table, UsageError, type CliIo } from './io.ts';

const USAGE = `usage:
  cronwarden project create --name NAME [--owner EMAIL] [--json]
  cronwarden project list [--owner EMAIL] [--json]
  cronwarden project keys list --project UUID [--json]
  cronwarden project keys rotate --project UUID (--read-write | --read-only | --ping-key | --all)... [--json]
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type Opened = NonNullable<Awaited<ReturnType<CliIo['open']>>>;

async function withDatabase(io: CliIo, work: (db: Opened) => Promise<number>): Promise<number> {
  const db = await io.open();
  if (!db) return 1;
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function ownerId(db: Opened, email: string | undefined): Promise<number | null> {
  if (email === undefined) return null;
  const normalised = normaliseEmail(email);
  if (!normalised) throw new UsageError(`--owner: not an email address: ${JSON.stringify(email)}`);
  const user = await findUserByEmail(db.pool, normalised);
  if (!user) throw new UsageError(`no user with email ${normalised}; create one with: cronwarden user create --email ${normalised}`);
  return user.id;
}

async function create(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, owner: { type: 'string' }, json: { type: 'boolean' } } });
  const name = values.name?.trim();
  if (!name) throw new UsageError('project create needs --name NAME');
  if ([...name].length > 200) throw new UsageError('--name: at most 200 characters');
  return withDatabase(io, async (db) => {
    const owner = await ownerId(db, values.owner);
    const made = await withTransaction(db.pool, (tx) => createProject(tx, { name, ownerId: owner, now: io.now() }));
    const { project } = made;
    if (values.json) {
      io.out(`${JSON.stringify({ uuid: project.code, name: project.name, owner: project.ownerEmail, api_key: made.apiKey, api_key_readonly: made.apiKeyReadonly, ping_key: project.pingKey })}\n`);
      return 0;
    }
    io.out(`Created project "${project.name}". The keys are shown only now: store them.\n`);
    io.out(table([
      ['project id', project.code],
      ['owner', project.ownerEmail ?? '(none)'],
      ['read-write API key', made.apiKey],
      ['read-only API key', made.apiKeyReadonly],
      ['ping key', project.pingKey ?? ''],
      ['slug ping URLs', `${db.config.pingEndpoint}${project.pingKey}/<slug>`],
    ]));
    return 0;
  });
}

async function list(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { owner: { type: 'string' }, json: { type: 'boolean' } } });
  return withDatabase(io, async (db) => {
    const projects = await listProjects(db.pool, await ownerId(db, values.owner));
    if (values.json) {
      const rows = projects.map((p) => ({ uuid: p.code, name: p.name, owner: p.ownerEmail, ping_key: p.pingKey, checks: p.checkCount, created: p.createdAt.toISOString() }));
      io.out(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    if (projects.length === 0) {
      io.out('No projects. Create one with: cronwarden project create --name NAME\n');
      return 0;
    }
    io.out(projects.map((p) => `${p.code}  ${String(p.checkCount).padStart(5)} checks  ${p.ownerEmail ?? '(no owner)'}  ${p.name}\n`).join(''));
    return 0;
  });
}

async function projectOf(db: Opened, code: string | undefined) {
  if (code === undefined) throw new UsageError('--project UUID is required (see: cronwarden project list)');
  if (!UUID.test(code)) throw new UsageError(`--project: not a project UUID: ${JSON.stringify(code)}`);
  const project = await findProjectByCode(db.pool, code);
  if (!project) throw new UsageError(`no project ${code} (see: cronwarden project list)`);
  return project;
}

async function keysList(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { project: { type: 'string' }, json: { type: 'boolean' } } });
  return withDatabase(io, async (db) => {
    const keys = await listProjectKeys(db.pool, (await projectOf(db, values.project)).id);
    const rows = keys.map((k) => ({
      prefix: k.prefix, scope: k.scope, created: k.createdAt.toISOString(),
      last_used: k.lastUsedAt?.toISOString() ?? null, revoked: k.revokedAt?.toISOString() ?? null,
    }));
    if (values.json) io.out(`${JSON.stringify(rows)}\n`);
    else io.out(rows.map((r) => `${r.prefix}…  ${r.scope.padEnd(10)}  created ${r.created}  last used ${r.last_used ?? 'never'}${r.revoked ? `  REVOKED ${r.revoked}` : ''}\n`).join(''));
    return 0;
  });
}

async function keysRotate(io: CliIo, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      project: { type: 'string' }, 'read-write': { type: 'boolean' }, 'read-only': { type: 'boolean' },
      'ping-key': { type: 'boolean' }, all: { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  const rotation: Rotation = {
    readWrite: Boolean(values.all || values['read-write']),
    readOnly: Boolean(values.all || values['read-only']),
    pingKey: Boolean(values.all || values['ping-key']),
  };
  if (!rotation.readWrite && !rotation.readOnly && !rotation.pingKey) {
    throw new UsageError('choose what to rotate: --read-write, --read-only, --ping-key (changes every slug ping URL) or --all');
  }
  return withDatabase(io, async (db) => {
    const project = await projectOf(db, values.project);
    const rotated = await withTransaction(db.pool, (tx) => rotateProjectKeys(tx, project.id, rotation, io.now()));
    if (values.json) {
      io.out(`${JSON.stringify({ uuid: project.code, api_key: rotated.apiKey ?? null, api_key_readonly: rotated.apiKeyReadonly ?? null, ping_key: rotated.pingKey ?? null, revoked: rotated.revoked })}\n`);
      return 0;
    }
    io.out(`Rotated keys of project "${project.name}": ${rotated.revoked} old API key(s) revoked. The new keys are shown only now.\n`);
    const rows: Array<[string, string]> = [];
    if (rotated.apiKey) rows.push(['read-write API key', rotated.apiKey]);
    if (rotated.apiKeyReadonly) rows.push(['read-only API key', rotated.apiKeyReadonly]);
    if (rotated.pingKey) rows.push(['ping key', rotated.pingKey]);
    io.out(table(rows));
    if (rotated.pingKey) io.out('Slug ping URLs with the old ping key now answer 404: update your jobs.\n');
    return 0;
  });
}

/** `cronwarden project ...` with the given I/O (tests pass their own). */
export async function runProject(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, async () => {
    const [sub, ...rest] = args;
    if (sub === 'create') return create(io, rest);
    if (sub === 'list') return list(io, rest);
    if (sub === 'keys' && rest[0] === 'list') return keysList(io, rest.slice(1));
    if (sub === 'keys' && rest[0] === 'rotate') return keysRotate(io, rest.slice(1));
    io.err(USAGE);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  });
}

export function run(args: string[]): Promise<number> {
  return runProject(args, processIo());
}
