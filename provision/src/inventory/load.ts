import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { StaticSecretSource, type SecretSource } from '../secrets.ts';
import { parseInventory } from './parse.ts';
import { isMapping } from './reader.ts';
import { InventoryError, SERVER_ROLES, type Host, type Inventory } from './types.ts';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InventoryError([`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
}

/**
 * The plain secrets file named by `secrets.file`: a YAML mapping of name to string, kept out of
 * git and readable by its owner only. (The sops vault of a later issue replaces it.)
 */
export function loadSecretsFile(file: string): SecretSource {
  const mode = statSync(file, { throwIfNoEntry: false })?.mode;
  if (mode === undefined) throw new InventoryError([`secrets file ${file} does not exist`]);
  if ((mode & 0o077) !== 0) {
    throw new InventoryError([`secrets file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`]);
  }
  const data = load(readText(file, 'secrets file'));
  if (!isMapping(data)) throw new InventoryError([`secrets file ${file} must be a mapping of name: value`]);
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'string') values[name] = value;
    else problems.push(`${path.basename(file)}: ${name}: must be a string (quote numbers)`);
  }
  if (problems.length > 0) throw new InventoryError(problems);
  return new StaticSecretSource(values);
}

/** Reads and parses the inventory at `file`; `secrets` overrides the file's secret source. */
export function loadInventory(file: string, options: { secrets?: SecretSource } = {}): Inventory {
  const source = readText(file, 'inventory');
  let secrets = options.secrets;
  if (!secrets) {
    let top: unknown;
    try {
      top = load(source);
    } catch {
      top = null; // parseInventory reports the syntax error with its position
    }
    const secretsFile = isMapping(top) && isMapping(top.secrets) ? top.secrets.file : undefined;
    secrets = typeof secretsFile === 'string' ? loadSecretsFile(path.resolve(path.dirname(file), secretsFile)) : new StaticSecretSource({});
  }
  return parseInventory(source, { file, secrets });
}

/**
 * The hosts `--limit` names: comma-separated host names and roles (lb, app, db); null or ''
 * means every host. Unknown names are an error, never silently nothing.
 */
export function selectHosts(inventory: Inventory, limit: string | null): Host[] {
  if (limit === null || limit === '') return [...inventory.hosts];
  const wanted = limit.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted.filter((w) => !inventory.hosts.some((h) => h.name === w) && !(SERVER_ROLES as readonly string[]).includes(w));
  if (unknown.length > 0) {
    const names = inventory.hosts.map((h) => h.name).join(', ');
    throw new InventoryError([`--limit: no host or role named ${unknown.join(', ')} (hosts: ${names}; roles: ${SERVER_ROLES.join(', ')})`]);
  }
  return inventory.hosts.filter((h) => wanted.includes(h.name) || h.roles.some((r) => wanted.includes(r)));
}
