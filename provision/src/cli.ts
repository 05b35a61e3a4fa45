// `cronwarden fleet <plan|apply|doctor|lock>`: provisioning over SSH. Exit codes: plan 0 (no
// changes), 2 (changes pending), 1 (error); apply, doctor and lock 0 (ok) or 1 (error).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadInventory, selectHosts } from './inventory/load.ts';
import { InventoryError, type Host, type Inventory } from './inventory/types.ts';
import type { Operation } from './ops/types.ts';
import { baseRole } from './roles/base.ts';
import { fileTemplates, REPO_ROOT, type TemplateSource } from './roles/templates.ts';
import { checkoutChecks, doctorText, fleetChecks } from './run/doctor.ts';
import { applyFleet, planFleet, type FleetOptions } from './run/fleet.ts';
import { lockStatusCommand, releaseLockCommand, type RunIdentity } from './run/lock.ts';
import { mapLimit } from './run/parallel.ts';
import { applyReport, planReport } from './run/report.ts';
import { Redactor, type SecretSource } from './secrets.ts';
import { fingerprint } from './transport/hostkeys.ts';
import { SshConnector } from './transport/ssh.ts';
import type { Connector } from './transport/types.ts';

const USAGE = `usage: cronwarden fleet <command> [options]

commands:
  plan     show what apply would change on each host (exit 0: nothing, 2: changes, 1: error)
  apply    apply the plan under the deploy lock, then prove it converged with a re-plan
  doctor   check SSH and host keys, clocks, disks, locks and this checkout of the tool
  lock status | lock release --force
           show the deploy lock on each host, or remove it after a run died

options:
  -i, --inventory FILE   inventory file (default: fleet.yaml)
  --limit NAMES          only these hosts or roles (lb, app, db), comma-separated
  --json                 print the report as JSON on stdout
  --adopt                let apply replace crontabs that have lines fleet does not manage
  --parallel N           hosts worked on at once (default 8)
  --force                with lock release: remove locks held by any run
  --no-fetch             doctor: do not git fetch before comparing with upstream

See docs/provisioning.md.
`;

/** What the CLI touches outside itself; tests replace the connector and the streams. */
export interface FleetIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly connector?: (inventory: Inventory) => Connector;
  readonly secrets?: SecretSource;
  readonly templates?: (inventory: Inventory) => TemplateSource;
  readonly now?: () => Date;
  /** The checkout doctor inspects (default: this repository). */
  readonly checkout?: string;
}

const defaultIo: FleetIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

/** Entry point for app/src/main.ts. */
export async function run(args: string[]): Promise<number> {
  return runFleet(args, defaultIo);
}

function toolVersion(): string {
  try {
    return execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Builds every selected host's operations; all problems of all hosts are reported together. */
function buildOps(hosts: readonly Host[], templates: TemplateSource): Map<string, Operation[]> {
  const problems: string[] = [];
  const ops = new Map<string, Operation[]>();
  for (const host of hosts) {
    const role = baseRole(host, templates);
    problems.push(...role.problems);
    ops.set(host.name, role.ops);
  }
  if (problems.length > 0) throw new InventoryError(problems);
  return ops;
}

export async function runFleet(argv: string[], io: FleetIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        inventory: { type: 'string', short: 'i', default: 'fleet.yaml' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        adopt: { type: 'boolean', default: false },
        parallel: { type: 'string', default: '8' },
        force: { type: 'boolean', default: false },
        'no-fetch': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`fleet: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [command, sub] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? 0 : 1;
  }
  const parallel = Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) {
    io.stderr(`fleet: --parallel must be an integer from 1 to 64, got ${values.parallel}\n`);
    return 1;
  }
  if (!['plan', 'apply', 'doctor', 'lock'].includes(command) || (command === 'lock' && sub !== 'status' && sub !== 'release')) {
    io.stderr(`fleet: unknown command "${[command, sub].filter(Boolean).join(' ')}"\n\n${USAGE}`);
    return 1;
  }
  try {
    const inventory = loadInventory(values.inventory, io.secrets ? { secrets: io.secrets } : {});
    for (const warning of inventory.warnings) io.stderr(`warning: ${warning}\n`);
    const hosts = selectHosts(inventory, values.limit ?? null);
    const redactor = new Redactor(inventory.secrets.knownValues());
    const connector = io.connector ? io.connector(inventory) : new SshConnector({ knownHostsFile: inventory.knownHostsFile });
    const options: FleetOptions = {
      connector,
      parallel,
      adopt: values.adopt,
      redactor,
      now: io.now ?? (() => new Date()),
      progress: values.json ? undefined : (host, message) => io.stderr(`${host}: ${message}\n`),
    };
    const output = (text: string, json: unknown) => io.stdout(values.json ? `${JSON.stringify(json, null, 2)}\n` : text);

    if (command === 'doctor') return await doctor(hosts, connector, options, io, values['no-fetch'], output);
    if (command === 'lock') return await lock(hosts, sub === 'release', values.force, options, output, io);
    const templates = io.templates ? io.templates(inventory) : fileTemplates(inventory.file);
    const ops = buildOps(hosts, templates);
    const opsFor = (host: Host) => ops.get(host.name) ?? [];
    if (command === 'plan') {
      const report = planReport(await planFleet(hosts, opsFor, options), redactor);
      output(report.text, report.json);
      return report.exitCode;
    }
    const id: RunIdentity = {
      runId: randomBytes(8).toString('hex'),
      holder: `${os.userInfo().username}@${os.hostname()}`,
      command: ['fleet', ...argv].join(' '),
      tool: toolVersion(),
    };
    const report = applyReport(await applyFleet(hosts, opsFor, id, options), redactor);
    output(report.text, report.json);
    return report.exitCode;
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    io.stderr(`fleet: ${error.message}\n`);
    return 1;
  }
}

async function doctor(
  hosts: readonly Host[],
  connector: Connector,
  options: FleetOptions,
  io: FleetIo,
  noFetch: boolean,
  output: (text: string, json: unknown) => void,
): Promise<number> {
  const ssh = connector instanceof SshConnector ? connector : null;
  const describeKey = (host: Host) => {
    const keys = ssh ? ssh.acceptedKeys(host).accepted : host.hostKeys;
    return keys.length === 0 ? '(none known)' : keys.map((k) => `${k.type} ${fingerprint(k.blob)}`).join(', ');
  };
  const checks = [...(await checkoutChecks(io.checkout ?? REPO_ROOT, { fetch: !noFetch })), ...(await fleetChecks(hosts, connector, options.parallel, options.redactor, describeKey))];
  output(doctorText(checks), { command: 'doctor', checks });
  return checks.some((c) => c.level === 'FAIL') ? 1 : 0;
}

async function lock(hosts: readonly Host[], release: boolean, force: boolean, options: FleetOptions, output: (text: string, json: unknown) => void, io: FleetIo): Promise<number> {
  if (release && !force) {
    io.stderr('fleet: lock release removes the lock of whichever run holds it; make sure that run is dead, then add --force\n');
    return 1;
  }
  const results = await mapLimit(hosts, options.parallel, async (host) => {
    const transport = await options.connector.connect(host);
    try {
      const result = await transport.run(release ? releaseLockCommand(null) : lockStatusCommand());
      return result.stdout.trim();
    } finally {
      await transport.close();
    }
  });
  const rows = results.map((r) => ({ host: r.item.name, ok: r.status === 'fulfilled', state: r.status === 'fulfilled' ? r.value : options.redactor.redact(String(r.reason instanceof Error ? r.reason.message : r.reason)) }));
  const text = rows.map((r) => `${r.host}: ${r.ok ? r.state.replace(/\n/g, '\n    ') : `ERROR ${r.state}`}`).join('\n');
  output(`${text}\n`, { command: release ? 'lock release' : 'lock status', hosts: rows });
  return rows.every((r) => r.ok) ? 0 : 1;
}
