// A simulated host for executor tests: it understands exactly the commands the fact, operation,
// lock and audit builders produce (files, systemd units, packages, the lock directory, the
// audit log) and keeps their state, so plan → apply → re-plan runs without SSH. Anything else
// fails loudly with exit 127, so a test never passes on a command the fake silently ignored.
import { createHash } from 'node:crypto';
import type { CommandOutput } from '../facts/types.ts';

export interface FakeFile {
  content: Buffer;
  mode: string;
  owner: string;
  group: string;
}

export interface FakeUnit {
  active: boolean;
  enabled: boolean;
  /** It exits right after starting (a crash loop): the settle check sees it is not active. */
  crashes: boolean;
}

/** Undoes `quote` for one shell word (bare or single-quoted pieces). */
export function unquote(word: string): string {
  let out = '';
  const re = /'([^']*)'|\\'|([^'\\]+)/g;
  for (const m of word.matchAll(re)) out += m[1] ?? (m[0] === "\\'" ? "'" : (m[2] ?? ''));
  return out;
}

const WORD = `((?:'[^']*'|\\\\'|[^\\s'\\\\])+)`;

export class FakeHost {
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Map<string, { mode: string; owner: string; group: string }>(
    ['/', '/etc', '/etc/systemd/system', '/var/lib', '/var/log', '/home'].map((d) => [d, { mode: '0755', owner: 'root', group: 'root' }]),
  );
  readonly users = new Map<string, { uid: number; home: string; shell: string; groups: string[] }>([['root', { uid: 0, home: '/root', shell: '/bin/bash', groups: ['root'] }]]);
  readonly groups = new Map<string, number>([['root', 0], ['adm', 4]]);
  readonly sysctl = new Map<string, string>([['net.core.somaxconn', '4096'], ['vm.swappiness', '60']]);
  /** Tables the fake kernel has loaded (nftables.service start/reload loads ours). */
  readonly nftTables = new Set<string>();
  readonly units = new Map<string, FakeUnit>();
  readonly packages = new Map<string, string>();
  readonly crontabs = new Map<string, string>();
  readonly commands: string[] = [];
  /** Package installs that also write a file (to test re-planning after a broad change). */
  readonly packageFiles = new Map<string, { path: string; content: string }>();
  /** Seconds this host's clock is ahead of the test machine's (for doctor). */
  clockOffset = 0;
  /** Percent of / in use (for doctor). */
  diskUsed = 40;
  /** Called after each command with its text: lets a test change the host "behind our back". */
  tamper: ((command: string) => void) | null = null;

  constructor(readonly name: string) {}

  write(path: string, content: string, mode = '0644', owner = 'root', group = 'root'): void {
    this.files.set(path, { content: Buffer.from(content), mode, owner, group });
  }

  text(path: string): string | null {
    return this.files.get(path)?.content.toString('utf8') ?? null;
  }

  /** Audit log lines written so far. */
  auditLines(): string[] {
    return (this.text('/var/log/cronwarden-fleet/audit.log') ?? '').split('\n').filter(Boolean);
  }

  respond(command: string, stdin: Buffer | null): CommandOutput {
    if (command.startsWith('d=$(mktemp -d) || exit 1\n')) return this.batch(command);
    this.commands.push(command);
    const result = this.handle(command, stdin);
    this.tamper?.(command);
    return result;
  }

  /** A batch of fact commands (run/plan.ts batchCommand): each runs as if sent alone. */
  private batch(command: string): CommandOutput {
    const lines = command.split('\n').flatMap((line) => {
      const m = line.match(/^\( (.*) \) >"\$d"\/\d+\.o 2>"\$d"\/\d+\.e <\/dev\/null; echo \$\? >"\$d"\/\d+\.r$/);
      if (!m) return [];
      const out = this.respond(m[1] ?? '', null);
      return [`${out.exitCode} ${Buffer.from(out.stdout).toString('base64')} ${Buffer.from(out.stderr).toString('base64')}`];
    });
    return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', exitCode: 0 };
  }

  private handle(command: string, stdin: Buffer | null): CommandOutput {
    const ok = (stdout = ''): CommandOutput => ({ stdout, stderr: '', exitCode: 0 });
    let m: RegExpMatchArray | null;
    if ((m = command.match(new RegExp(`^if \\[ -e ${WORD} \\] \\|\\| \\[ -L `)))) return ok(this.stat(unquote(m[1] ?? '')));
    if ((m = command.match(new RegExp(`^systemctl show --property=\\S+ -- ${WORD}$`)))) return ok(this.show(unquote(m[1] ?? '')));
    if ((m = command.match(/^dpkg-query -W -f '[^']*' -- (.*)$/))) return this.dpkg((m[1] ?? '').split(' '));
    if ((m = command.match(/^DEBIAN_FRONTEND=noninteractive apt-get install [^|]* -- ([^|]*) \|\|/))) return this.install((m[1] ?? '').trim().split(' '));
    if (command.startsWith('mkdir -p -m 0700 -- /var/lib/cronwarden-fleet && if mkdir')) return ok(this.lock(command));
    if (command.startsWith('if [ -d /var/lib/cronwarden-fleet/lock ]; then echo held')) return ok(this.lockStatus());
    if ((m = command.match(/^if grep -qxF (\S+) \/var\/lib\/cronwarden-fleet\/lock\/holder/))) return ok(this.release(unquote(m[1] ?? '')));
    if (command.startsWith('mkdir -p -m 0750 -- /var/log/cronwarden-fleet && printf')) return ok(this.audit(command));
    if (command.startsWith('mkdir -p -m 0700 -- /var/lib/cronwarden-fleet/pending')) return ok(this.pending(command));
    if (command.startsWith('set -eu\ntrap ')) return this.upload(command, stdin ?? Buffer.alloc(0));
    if ((m = command.match(new RegExp(`^rm -f -- (.*)$`)))) return ok(this.remove(m[1] ?? ''));
    if (command === 'systemctl daemon-reload') return ok();
    if ((m = command.match(new RegExp(`^systemctl (enable|disable|start|stop|restart|reload) -- ${WORD}$`)))) return this.systemctl(m[1] ?? '', unquote(m[2] ?? ''));
    if ((m = command.match(new RegExp(`^sleep \\d+; systemctl is-active -- ${WORD} \\|\\| true$`)))) return ok(this.units.get(unquote(m[1] ?? ''))?.active ? 'active\n' : 'activating\n');
    if ((m = command.match(new RegExp(`^getent passwd -- ${WORD} && id -Gn -- ${WORD}$`)))) return this.getentUser(unquote(m[1] ?? ''));
    if ((m = command.match(new RegExp(`^getent group -- ${WORD}$`)))) return this.getentGroup(unquote(m[1] ?? ''));
    if (command.startsWith('useradd ')) return ok(this.useradd(command));
    if ((m = command.match(new RegExp(`^groupadd (?:--system )?-- ${WORD}$`)))) return ok(this.put(() => this.groups.set(unquote(m?.[1] ?? ''), 1000 + this.groups.size)));
    if ((m = command.match(new RegExp(`^usermod --(shell|groups|home) ${WORD} -- ${WORD}$`)))) return ok(this.usermod(m[1] ?? '', unquote(m[2] ?? ''), unquote(m[3] ?? '')));
    if ((m = command.match(new RegExp(`^install -d -m (\\d+) -o ${WORD} -g ${WORD} -- ${WORD}$`)))) return ok(this.put(() => this.dirs.set(unquote(m?.[4] ?? ''), { mode: m?.[1] ?? '', owner: unquote(m?.[2] ?? ''), group: unquote(m?.[3] ?? '') })));
    if ((m = command.match(new RegExp(`^chmod (\\d+) -- ${WORD}$`)))) return ok(this.attr(unquote(m[2] ?? ''), { mode: m[1] ?? '' }));
    if ((m = command.match(new RegExp(`^chown -h -- ${WORD} ${WORD}$`)))) {
      const [owner = '', group = ''] = unquote(m[1] ?? '').split(':');
      return ok(this.attr(unquote(m[2] ?? ''), { owner, group }));
    }
    if ((m = command.match(/^sysctl -e -- (.*)$/))) return ok((m[1] ?? '').split(' ').filter((k) => this.sysctl.has(k)).map((k) => `${k} = ${this.sysctl.get(k)}\n`).join(''));
    if ((m = command.match(new RegExp(`^sysctl -q -w ${WORD}$`)))) {
      const [key = '', value = ''] = unquote(m[1] ?? '').split('=');
      return ok(this.put(() => this.sysctl.set(key, value)));
    }
    if ((m = command.match(new RegExp(`^crontab -l -u ${WORD}$`)))) {
      const user = unquote(m[1] ?? '');
      if (!this.users.has(user)) return { stdout: '', stderr: `crontab: user \`${user}' unknown\n`, exitCode: 1 };
      const tab = this.crontabs.get(user);
      return tab === undefined ? { stdout: '', stderr: `no crontab for ${user}\n`, exitCode: 1 } : ok(tab);
    }
    if ((m = command.match(new RegExp(`^t=\\$\\(mktemp\\) && cat > "\\$t" && crontab -u ${WORD} "\\$t"`)))) return ok(this.put(() => this.crontabs.set(unquote(m?.[1] ?? ''), (stdin ?? Buffer.alloc(0)).toString('utf8'))));
    if ((m = command.match(new RegExp(`^nft list table ${WORD} ${WORD} >/dev/null$`)))) {
      const loaded = this.nftTables.has(`${unquote(m[1] ?? '')} ${unquote(m[2] ?? '')}`);
      return loaded ? ok() : { stdout: '', stderr: 'Error: No such file or directory\n', exitCode: 1 };
    }
    if (command === 'date +%s.%N') return ok(`${(Date.now() / 1000 + this.clockOffset).toFixed(9)}\n`);
    if (command === 'df -P -k / /var') {
      return ok(`Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 1000000 ${this.diskUsed * 10000} ${(100 - this.diskUsed) * 10000} ${this.diskUsed}% /\n/dev/sda1 1000000 ${this.diskUsed * 10000} ${(100 - this.diskUsed) * 10000} ${this.diskUsed}% /\n`);
    }
    if (command.startsWith('if [ -d /var/lib/cronwarden-fleet/lock ]; then rm -rf')) {
      const held = this.files.delete('/var/lib/cronwarden-fleet/lock/holder');
      return ok(held ? 'released\n' : 'free\n');
    }
    if (command.startsWith('systemctl status --no-pager')) return ok('● app.service - test unit\n   Active: activating (auto-restart)\nJan 01 app[1]: fatal: cannot bind\n');
    return { stdout: '', stderr: `fake host: unknown command: ${command}`, exitCode: 127 };
  }

  private stat(path: string): string {
    const file = this.files.get(path);
    if (file) return `regular file|${Number.parseInt(file.mode, 8).toString(8)}|${file.owner}|${file.group}|${file.content.length}\n${file.content.toString('base64')}\n`;
    const dir = this.dirs.get(path);
    if (dir) return `directory|${Number.parseInt(dir.mode, 8).toString(8)}|${dir.owner}|${dir.group}|4096\n`;
    return 'absent\n';
  }

  /** Runs a state change that prints nothing. */
  private put(change: () => unknown): string {
    change();
    return '';
  }

  private attr(path: string, change: Partial<FakeFile>): string {
    const target = this.files.get(path) ?? this.dirs.get(path);
    if (target) Object.assign(target, change);
    return '';
  }

  private getentUser(name: string): CommandOutput {
    const user = this.users.get(name);
    if (!user) return { stdout: '', stderr: '', exitCode: 2 };
    return { stdout: `${name}:x:${user.uid}:${user.uid}::${user.home}:${user.shell}\n${user.groups.join(' ')}\n`, stderr: '', exitCode: 0 };
  }

  private getentGroup(name: string): CommandOutput {
    const gid = this.groups.get(name);
    return gid === undefined ? { stdout: '', stderr: '', exitCode: 2 } : { stdout: `${name}:x:${gid}:\n`, stderr: '', exitCode: 0 };
  }

  private useradd(command: string): string {
    const words = [...command.matchAll(new RegExp(WORD, 'g'))].map((m) => unquote(m[1] ?? ''));
    const name = words[words.length - 1] ?? '';
    const flag = (f: string) => (words.includes(f) ? words[words.indexOf(f) + 1] ?? '' : '');
    const home = flag('--home-dir');
    const extra = flag('--groups');
    this.groups.set(name, 1000 + this.groups.size);
    this.users.set(name, { uid: 1000 + this.users.size, home, shell: flag('--shell'), groups: [name, ...(extra ? extra.split(',') : [])] });
    this.dirs.set(home, { mode: '0755', owner: name, group: name });
    return '';
  }

  private usermod(what: string, value: string, name: string): string {
    const user = this.users.get(name);
    if (!user) return '';
    if (what === 'shell') user.shell = value;
    if (what === 'home') user.home = value;
    if (what === 'groups') user.groups = [user.groups[0] ?? name, ...(value ? value.split(',') : [])];
    return '';
  }

  private show(name: string): string {
    const unit = this.units.get(name);
    const installed = this.files.has(`/etc/systemd/system/${name}`);
    if (!unit && !installed) return `Id=${name}\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nNeedDaemonReload=no\n`;
    const u = unit ?? { active: false, enabled: false, crashes: false };
    return `Id=${name}\nLoadState=loaded\nActiveState=${u.active ? 'active' : 'inactive'}\nSubState=${u.active ? 'running' : 'dead'}\nUnitFileState=${u.enabled ? 'enabled' : 'disabled'}\nNeedDaemonReload=no\n`;
  }

  private dpkg(names: string[]): CommandOutput {
    const known = names.filter((n) => this.packages.has(n));
    const stdout = known.map((n) => `${n}|ii |${this.packages.get(n)}\n`).join('');
    const unknown = names.filter((n) => !this.packages.has(n));
    return { stdout, stderr: unknown.map((n) => `dpkg-query: no packages found matching ${n}\n`).join(''), exitCode: unknown.length > 0 ? 1 : 0 };
  }

  private install(names: string[]): CommandOutput {
    for (const n of names) {
      this.packages.set(n, '1.0');
      const file = this.packageFiles.get(n);
      if (file) this.write(file.path, file.content);
    }
    return { stdout: '', stderr: '', exitCode: 0 };
  }

  private lock(command: string): string {
    const lock = '/var/lib/cronwarden-fleet/lock/holder';
    if (this.files.has(lock)) return `held\n${this.text(lock)}`;
    const details = unquote(command.match(new RegExp(`printf '%s\\\\n' ${WORD} >`))?.[1] ?? '');
    this.write(lock, `${details}\n`, '0600');
    return 'acquired\n';
  }

  private lockStatus(): string {
    const holder = this.text('/var/lib/cronwarden-fleet/lock/holder');
    return holder === null ? 'free\n' : `held\n${holder}`;
  }

  private release(line: string): string {
    const holder = this.text('/var/lib/cronwarden-fleet/lock/holder');
    if (holder === null || !holder.split('\n').includes(line)) return 'not-ours\n';
    this.files.delete('/var/lib/cronwarden-fleet/lock/holder');
    return 'released\n';
  }

  private audit(command: string): string {
    const line = unquote(command.match(new RegExp(`printf '%s\\\\n' ${WORD} >>`))?.[1] ?? '');
    const log = '/var/log/cronwarden-fleet/audit.log';
    this.write(log, `${this.text(log) ?? ''}${line}\n`, '0640');
    return '';
  }

  private pending(command: string): string {
    for (const m of command.matchAll(new RegExp(`printf '%s\\\\n' ${WORD} >> ${WORD}`, 'g'))) {
      const path = unquote(m[2] ?? '');
      this.write(path, `${this.text(path) ?? ''}${unquote(m[1] ?? '')}\n`, '0644');
    }
    return '';
  }

  private remove(words: string): string {
    for (const w of words.split(' ')) this.files.delete(unquote(w));
    return '';
  }

  private upload(command: string, stdin: Buffer): CommandOutput {
    const target = unquote(command.match(new RegExp(`\\nmv -f -T -- ${WORD} ${WORD}\\n`))?.[2] ?? '');
    const mode = command.match(/\nchmod -- (\d+) /)?.[1] ?? '0644';
    const [owner = 'root', group = 'root'] = unquote(command.match(new RegExp(`\\nchown -- ${WORD} `))?.[1] ?? 'root:root').split(':');
    if (command.includes('systemd-analyze verify') && target.endsWith('.service') && !stdin.toString('utf8').includes('ExecStart=')) {
      return { stdout: '', stderr: 'app.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.\nsystemd-analyze verify refused the new file; the live file is untouched\n', exitCode: 65 };
    }
    const previous = this.files.get(target);
    if (previous && command.includes('.fleet-prev')) this.files.set(`${target}.fleet-prev`, previous);
    this.files.set(target, { content: Buffer.from(stdin), mode, owner, group });
    return { stdout: '', stderr: '', exitCode: 0 };
  }

  private systemctl(verb: string, name: string): CommandOutput {
    if (!this.files.has(`/etc/systemd/system/${name}`) && !this.units.has(name)) {
      return { stdout: '', stderr: `Failed to ${verb} ${name}: Unit ${name} not found.\n`, exitCode: 5 };
    }
    const unit = this.units.get(name) ?? { active: false, enabled: false, crashes: false };
    this.units.set(name, unit);
    if (verb === 'enable') unit.enabled = true;
    if (verb === 'disable') unit.enabled = false;
    if (verb === 'stop') unit.active = false;
    if (verb === 'start' || verb === 'restart' || verb === 'reload') unit.active = !unit.crashes;
    if (name === 'nftables.service' && unit.active) this.nftTables.add('inet cronwarden');
    return { stdout: '', stderr: '', exitCode: 0 };
  }

  /** sha256 of a file's content, for assertions. */
  sha(path: string): string | null {
    const file = this.files.get(path);
    return file ? createHash('sha256').update(file.content).digest('hex') : null;
  }
}
