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
  readonly dirs = new Set<string>(['/', '/etc', '/etc/systemd/system', '/var/lib', '/var/log']);
  readonly units = new Map<string, FakeUnit>();
  readonly packages = new Map<string, string>();
  readonly crontabs = new Map<string, string>();
  readonly commands: string[] = [];
  /** Package installs that also write a file (to test re-planning after a broad change). */
  readonly packageFiles = new Map<string, { path: string; content: string }>();
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
    this.commands.push(command);
    const result = this.handle(command, stdin);
    this.tamper?.(command);
    return result;
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
    if (command.startsWith('systemctl status --no-pager')) return ok('● app.service - test unit\n   Active: activating (auto-restart)\nJan 01 app[1]: fatal: cannot bind\n');
    return { stdout: '', stderr: `fake host: unknown command: ${command}`, exitCode: 127 };
  }

  private stat(path: string): string {
    const file = this.files.get(path);
    if (file) return `regular file|${Number.parseInt(file.mode, 8).toString(8)}|${file.owner}|${file.group}|${file.content.length}\n${file.content.toString('base64')}\n`;
    if (this.dirs.has(path)) return 'directory|755|root|root|4096\n';
    return 'absent\n';
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
    if (command.includes('systemd-analyze verify') && !stdin.toString('utf8').includes('[Service]')) {
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
    return { stdout: '', stderr: '', exitCode: 0 };
  }

  /** sha256 of a file's content, for assertions. */
  sha(path: string): string | null {
    const file = this.files.get(path);
    return file ? createHash('sha256').update(file.content).digest('hex') : null;
  }
}
