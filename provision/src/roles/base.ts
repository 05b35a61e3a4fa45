// The base role: what every host gets, read from the `base` variable (layered like every
// variable: global, role, host). Packages, groups, users, directories, sysctl, files from
// templates, nftables, systemd units and crontabs, in that order, so that what a later
// operation needs (a user, a directory, a package's unit) exists when it runs.
import type { Host, VarMap } from '../inventory/types.ts';
import { isMapping, Reader, type Path } from '../inventory/reader.ts';
import { packagesOperation } from '../ops/apt.ts';
import { crontabOperation } from '../ops/crontab.ts';
import { directoryOperation, fileOperation } from '../ops/files.ts';
import { nftablesOperation } from '../ops/nftables.ts';
import { sysctlOperation } from '../ops/sysctl.ts';
import { unitOperation } from '../ops/systemd.ts';
import { modeBits, type Notify, type Operation } from '../ops/types.ts';
import { groupOperation, userOperation } from '../ops/users.ts';
import { validatorFor } from '../ops/validators.ts';
import { cronScheduleProblem, type CronJob } from '../render/cron.ts';
import { renderParts, renderTemplate, TemplateError, type Rendered } from '../render/template.ts';
import type { TemplateSource } from './templates.ts';

const BASE_KEYS = ['packages', 'groups', 'users', 'directories', 'sysctl', 'files', 'nftables', 'units', 'crontabs'];
const MODE = /^0[0-7]{3}$/;
const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const UNIT = /^[A-Za-z0-9:_.@-]+\.(service|timer|socket|target|path|mount)$/;
const ABSOLUTE = /^\/[^\0]*$/;

/**
 * What templates see: the host's variables, `ssh_port` (the port sshd listens on inside the
 * host: the variable if set, else the inventory's port, which differs when SSH goes through a
 * forwarded port) and `host` (name, address, port, roles, wireguard_address).
 */
export function templateContext(host: Host): VarMap {
  return {
    ...host.vars,
    ssh_port: host.vars.ssh_port ?? host.port,
    host: { name: host.name, address: host.address, port: host.port, roles: [...host.roles], wireguard_address: host.wireguardAddress },
  };
}

class RoleBuilder {
  readonly reader: Reader;
  readonly ops: Operation[] = [];
  private readonly context: VarMap;

  constructor(
    readonly host: Host,
    private readonly templates: TemplateSource,
    label: string,
  ) {
    this.reader = new Reader(label);
    this.context = templateContext(host);
  }

  add(op: object): void {
    this.ops.push(op as Operation);
  }

  mode(value: unknown, at: Path, fallback: string): string {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number') {
      this.reader.problem(at, `write modes as quoted octal strings ("0640"): YAML reads ${value} as the decimal number ${value}`);
      return fallback;
    }
    return this.reader.string(value, at, { pattern: MODE, hint: 'must be an octal mode such as "0640"' }) ?? fallback;
  }

  name(value: unknown, at: Path): string | null {
    return this.reader.string(value, at, { required: true, pattern: NAME, hint: 'must be a user or group name' });
  }

  render(ref: unknown, at: Path): Rendered | null {
    const name = this.reader.string(ref, at, { required: true });
    if (name === null) return null;
    const read = this.templates.read(name);
    if ('problem' in read) {
      this.reader.problem(at, read.problem);
      return null;
    }
    try {
      return renderTemplate(read.source, name, this.context);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.reader.problem(at, error.message);
      return null;
    }
  }

  string(value: unknown, at: Path, fallback: string): string {
    return this.reader.string(value, at) ?? fallback;
  }
}

/** The base role's operations for `host`, or the problems found (every one, with its location). */
export function baseRole(host: Host, templates: TemplateSource, label = `host ${host.name}`): { ops: Operation[]; problems: string[] } {
  const b = new RoleBuilder(host, templates, label);
  const base = b.reader.mapping(host.vars.base, ['vars', 'base'], BASE_KEYS);
  const at = (...path: Path): Path => ['vars', 'base', ...path];

  const packages = b.reader.stringList(base.packages, at('packages'));
  if (packages.length > 0) b.add(packagesOperation(packages));
  b.reader.list(base.groups, at('groups')).forEach((g, i) => {
    const group = typeof g === 'string' ? { name: g } : b.reader.mapping(g, at('groups', i), ['name', 'system']);
    const name = b.name(group.name, at('groups', i, 'name'));
    if (name) b.add(groupOperation({ name, system: b.reader.boolean(group.system, at('groups', i, 'system')) ?? false }));
  });
  readUsers(b, base.users, at('users'));
  readDirectories(b, base.directories, at('directories'));
  readSysctl(b, base.sysctl, at('sysctl'));
  const units = b.reader.list(base.units, at('units'));
  const unitNames = units.flatMap((u) => (isMapping(u) && typeof u.name === 'string' ? [u.name] : []));
  readFiles(b, base.files, at('files'), unitNames);
  readNftables(b, base.nftables, at('nftables'));
  readUnits(b, units, at('units'));
  readCrontabs(b, base.crontabs, at('crontabs'));
  const seen = new Set<string>();
  for (const op of b.ops) {
    // Two operations on one path would fight: each apply would undo the other.
    if (seen.has(op.id)) b.reader.problem(['vars', 'base'], `${op.id} is described twice`);
    seen.add(op.id);
  }
  return { ops: b.ops, problems: b.reader.problems };
}

function readUsers(b: RoleBuilder, value: unknown, at: Path): void {
  b.reader.list(value, at).forEach((u, i) => {
    const user = b.reader.mapping(u, [...at, i], ['name', 'system', 'home', 'shell', 'groups']);
    const name = b.name(user.name, [...at, i, 'name']);
    const system = b.reader.boolean(user.system, [...at, i, 'system']) ?? false;
    const groups = b.reader.stringList(user.groups, [...at, i, 'groups']);
    const home = b.reader.string(user.home, [...at, i, 'home'], { pattern: ABSOLUTE, hint: 'must be an absolute path' });
    const shell = b.reader.string(user.shell, [...at, i, 'shell'], { pattern: ABSOLUTE, hint: 'must be an absolute path' });
    if (!name) return;
    b.add(
      userOperation({
        name,
        system,
        home: home ?? (system ? `/var/lib/${name}` : `/home/${name}`),
        shell: shell ?? (system ? '/usr/sbin/nologin' : '/bin/bash'),
        groups,
      }),
    );
  });
}

function ownership(b: RoleBuilder, spec: Record<string, unknown>, at: Path, defaultMode: string): { mode: string; owner: string; group: string } {
  return {
    mode: b.mode(spec.mode, [...at, 'mode'], defaultMode),
    owner: spec.owner === undefined ? 'root' : (b.name(spec.owner, [...at, 'owner']) ?? 'root'),
    group: spec.group === undefined ? 'root' : (b.name(spec.group, [...at, 'group']) ?? 'root'),
  };
}

function readDirectories(b: RoleBuilder, value: unknown, at: Path): void {
  b.reader.list(value, at).forEach((d, i) => {
    const dir = b.reader.mapping(d, [...at, i], ['path', 'mode', 'owner', 'group']);
    const path = b.reader.string(dir.path, [...at, i, 'path'], { required: true, pattern: ABSOLUTE, hint: 'must be an absolute path' });
    const own = ownership(b, dir, [...at, i], '0755');
    if (path) b.add(directoryOperation({ path, ...own }));
  });
}

function readSysctl(b: RoleBuilder, value: unknown, at: Path): void {
  const map = b.reader.mapping(value, at);
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(map)) {
    if (!/^[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/.test(key)) b.reader.problem([...at, key], 'not a sysctl key such as net.core.somaxconn');
    else if (typeof v === 'string' || typeof v === 'number') values[key] = String(v);
    else b.reader.problem([...at, key], 'must be a number or a string');
  }
  if (Object.keys(values).length > 0) b.add(sysctlOperation(values));
}

function notifications(b: RoleBuilder, spec: Record<string, unknown>, at: Path, units: readonly string[]): Notify[] {
  const notify: Notify[] = [];
  for (const action of ['restart', 'reload'] as const) {
    b.reader.stringList(spec[action], [...at, action]).forEach((unit, i) => {
      // A notified unit must be managed here, or nothing would ever clear its pending marker.
      if (!units.includes(unit)) b.reader.problem([...at, action, i], `${unit} is not listed in base.units`);
      else notify.push({ unit, action });
    });
  }
  return notify;
}

function readFiles(b: RoleBuilder, value: unknown, at: Path, units: readonly string[]): void {
  b.reader.list(value, at).forEach((f, i) => {
    const spec = b.reader.mapping(f, [...at, i], ['path', 'template', 'mode', 'owner', 'group', 'restart', 'reload']);
    const path = b.reader.string(spec.path, [...at, i, 'path'], { required: true, pattern: ABSOLUTE, hint: 'must be an absolute path' });
    const content = b.render(spec.template, [...at, i, 'template']);
    const own = ownership(b, spec, [...at, i], '0644');
    const notify = notifications(b, spec, [...at, i], units);
    if (!path || !content) return;
    if (content.secrets.length > 0 && (modeBits(own.mode) & 0o004) !== 0) {
      b.reader.problem([...at, i, 'mode'], `${path} holds secrets (${content.secrets.map((s) => s.name).join(', ')}) and must not be world-readable (mode ${own.mode})`);
      return;
    }
    b.add(fileOperation({ path, content, ...own, validate: validatorFor(path), notify }));
  });
}

function readNftables(b: RoleBuilder, value: unknown, at: Path): void {
  if (value === undefined || value === null) return;
  const spec = b.reader.mapping(value, at, ['template', 'family', 'table']);
  const content = b.render(spec.template ?? 'nftables/base.nft', [...at, 'template']);
  const family = b.reader.oneOf(spec.family ?? 'inet', [...at, 'family'], ['inet', 'ip', 'ip6']) ?? 'inet';
  const table = b.reader.string(spec.table ?? 'cronwarden', [...at, 'table'], { pattern: /^[a-z][a-z0-9_]*$/, hint: 'must be an nftables table name' }) ?? 'cronwarden';
  if (content) b.add(nftablesOperation({ content, family, table }));
}

function readUnits(b: RoleBuilder, units: unknown[], at: Path): void {
  units.forEach((u, i) => {
    const spec = b.reader.mapping(u, [...at, i], ['name', 'template', 'enabled', 'running', 'reloadable', 'settle']);
    const name = b.reader.string(spec.name, [...at, i, 'name'], { required: true, pattern: UNIT, hint: 'must be a unit name such as app.service' });
    const content = spec.template === undefined ? null : b.render(spec.template, [...at, i, 'template']);
    if (content && content.secrets.length > 0) {
      b.reader.problem([...at, i, 'template'], `unit files are world-readable: move ${content.secrets.map((s) => s.name).join(', ')} into an EnvironmentFile with mode 0600`);
      return;
    }
    // Requires= (or BindsTo=, PartOf=) toward wg-quick@ would stop or restart this unit whenever
    // the tunnel is restarted: a PostgreSQL primary bounced by a WireGuard change.
    const hard = content?.text.match(/^(Requires|Requisite|BindsTo|PartOf)=.*wg-quick@/m);
    if (hard) b.reader.problem([...at, i, 'template'], `${hard[1]}= toward wg-quick@: use Wants= and After= so a tunnel restart does not restart this unit`);
    if (!name || (spec.template !== undefined && !content) || hard) return;
    const running = b.reader.boolean(spec.running, [...at, i, 'running']) ?? true;
    b.add(
      unitOperation({
        name,
        content,
        enabled: b.reader.boolean(spec.enabled, [...at, i, 'enabled']) ?? true,
        running,
        reloadable: b.reader.boolean(spec.reloadable, [...at, i, 'reloadable']) ?? false,
        // Timers and oneshot helpers are not "up" the way a daemon is: no settle check by default for them.
        settle: b.reader.integer(spec.settle, [...at, i, 'settle'], 0, 120) ?? (name.endsWith('.service') ? 3 : 0),
      }),
    );
  });
}

function readCrontabs(b: RoleBuilder, value: unknown, at: Path): void {
  for (const [user, spec] of Object.entries(b.reader.mapping(value, at))) {
    if (!NAME.test(user)) b.reader.problem([...at, user], 'must be a user name');
    const tab = b.reader.mapping(spec, [...at, user], ['env', 'jobs']);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(b.reader.mapping(tab.env, [...at, user, 'env']))) {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) b.reader.problem([...at, user, 'env', k], 'must be an environment variable name');
      else if (typeof v !== 'string' || v.includes('\n')) b.reader.problem([...at, user, 'env', k], 'must be a one-line string');
      else env[k] = v;
    }
    const jobs: CronJob[] = [];
    b.reader.list(tab.jobs, [...at, user, 'jobs']).forEach((j, i) => {
      const where: Path = [...at, user, 'jobs', i];
      const job = b.reader.mapping(j, where, ['name', 'schedule', 'command']);
      const name = b.reader.string(job.name, [...where, 'name'], { required: true, pattern: /^[^\n]+$/, hint: 'must be one line' });
      const schedule = b.reader.string(job.schedule, [...where, 'schedule'], { required: true });
      const problem = schedule === null ? null : cronScheduleProblem(schedule);
      if (problem) b.reader.problem([...where, 'schedule'], problem);
      const command = b.reader.string(job.command, [...where, 'command'], { required: true, pattern: /^[^\n]+$/, hint: 'must be one line' });
      if (!name || !schedule || problem || !command) return;
      try {
        jobs.push({ name, schedule, command: renderParts(command, `${user} crontab job ${name}`, templateContext(b.host)) });
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        b.reader.problem([...where, 'command'], error.message);
      }
    });
    if (NAME.test(user)) b.add(crontabOperation(user, { env, jobs }));
  }
}

