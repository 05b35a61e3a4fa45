// `fleet doctor`: is it safe to change the fleet from here? Every line is OK, WARN or FAIL with
// a hint. Checks: SSH reachability and host keys, sudo, clock skew, disk space, a held deploy
// lock, and whether this checkout of the tool is clean and current (the April 2025 incident:
// "deployment tools were not fully up to date").
import { execFile } from 'node:child_process';
import type { Host } from '../inventory/types.ts';
import type { Redactor } from '../secrets.ts';
import { sh } from '../shell.ts';
import type { Connector, Transport } from '../transport/types.ts';
import { lockStatusCommand } from './lock.ts';
import { mapLimit } from './parallel.ts';

export type Level = 'OK' | 'WARN' | 'FAIL';

export interface Check {
  readonly level: Level;
  readonly check: string;
  /** The host it is about; null for local checks. */
  readonly host: string | null;
  readonly detail: string;
  readonly hint: string | null;
}

const SKEW_WARN_S = 1;
const SKEW_FAIL_S = 10;
const DISK_WARN = 80;
const DISK_FAIL = 90;

function check(level: Level, name: string, host: string | null, detail: string, hint: string | null = null): Check {
  return { level, check: name, host, detail, hint };
}

/** Clock skew in seconds from `date +%s.%N` output and the local send/receive times. */
export function clockCheck(host: string, stdout: string, sentMs: number, receivedMs: number): Check {
  const remote = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(remote)) return check('FAIL', 'clock', host, `cannot read the time: ${JSON.stringify(stdout.trim())}`);
  const skew = remote - (sentMs + receivedMs) / 2000;
  const text = `${skew >= 0 ? '+' : ''}${skew.toFixed(2)}s against this machine (±${((receivedMs - sentMs) / 2000).toFixed(2)}s)`;
  const hint = 'check systemd-timesyncd or chrony on both sides';
  if (Math.abs(skew) >= SKEW_FAIL_S) return check('FAIL', 'clock', host, text, hint);
  if (Math.abs(skew) >= SKEW_WARN_S) return check('WARN', 'clock', host, text, hint);
  return check('OK', 'clock', host, text);
}

/** Disk use per mount from `df -P -k` output. */
export function diskChecks(host: string, stdout: string): Check[] {
  const lines = stdout.trim().split('\n').slice(1);
  const seen = new Set<string>();
  return lines.flatMap((line) => {
    const fields = line.split(/\s+/);
    const used = Number.parseInt(fields[4] ?? '', 10);
    const mount = fields[5] ?? '?';
    if (!Number.isFinite(used) || seen.has(mount)) return [];
    seen.add(mount);
    const free = Math.round(Number(fields[3]) / 1024);
    const detail = `${mount} ${used}% used, ${free} MiB free`;
    if (used >= DISK_FAIL) return [check('FAIL', 'disk', host, detail, 'free space before changing anything: a full disk breaks PostgreSQL and package installs')];
    if (used >= DISK_WARN) return [check('WARN', 'disk', host, detail)];
    return [check('OK', 'disk', host, detail)];
  });
}

async function hostChecks(transport: Transport): Promise<Check[]> {
  const name = transport.host.name;
  const checks: Check[] = [];
  const sent = Date.now();
  const date = await transport.run(sh`date +%s.%N`);
  checks.push(clockCheck(name, date.stdout, sent, Date.now()));
  const df = await transport.run(sh`df -P -k / /var`);
  checks.push(...(df.exitCode === 0 ? diskChecks(name, df.stdout) : [check('FAIL', 'disk', name, `df failed: ${df.stderr.trim()}`)]));
  const lock = await transport.run(lockStatusCommand());
  const [first, ...rest] = lock.stdout.split('\n');
  if (first === 'held') checks.push(check('WARN', 'lock', name, `the deploy lock is held: ${rest.join(' ').trim()}`, 'another apply may be running; if it died, `fleet lock release --force`'));
  else checks.push(check('OK', 'lock', name, 'free'));
  return checks;
}

/** Every host's checks; a host that cannot be reached is one FAIL line with the reason. */
export async function fleetChecks(hosts: readonly Host[], connector: Connector, parallel: number, redactor: Redactor, describeKey: (host: Host) => string): Promise<Check[]> {
  const results = await mapLimit(hosts, parallel, async (host) => {
    const transport = await connector.connect(host);
    try {
      const who = host.sudo ? `${host.user} with sudo` : host.user;
      return [check('OK', 'ssh', host.name, `${host.address}:${host.port} as ${who}, host key ${describeKey(host)}`), ...(await hostChecks(transport))];
    } finally {
      await transport.close();
    }
  });
  return results.flatMap((r) => {
    if (r.status === 'fulfilled') return r.value;
    const host = r.item;
    const detail = redactor.redact(r.reason instanceof Error ? r.reason.message : String(r.reason));
    return [check('FAIL', 'ssh', host.name, detail)];
  });
}

function git(dir: string, args: string[], timeoutMs = 20_000): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ ok: !error, out: (stdout || stderr).trim() }));
  });
}

/** Whether the tool's own checkout is committed and as new as its upstream branch. */
export async function checkoutChecks(dir: string, options: { fetch: boolean }): Promise<Check[]> {
  const head = await git(dir, ['rev-parse', '--short', 'HEAD']);
  if (!head.ok) return [check('WARN', 'checkout', null, `${dir} is not a git checkout: cannot tell which version of the tool this is`)];
  const checks: Check[] = [];
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no']);
  const dirty = status.out.split('\n').filter(Boolean);
  checks.push(dirty.length === 0 ? check('OK', 'checkout', null, `clean at ${head.out}`) : check('WARN', 'checkout', null, `${dirty.length} uncommitted change(s) at ${head.out}`, 'commit them, so the audit log names a version that exists'));
  const upstream = await git(dir, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  if (!upstream.ok) {
    checks.push(check('WARN', 'current', null, 'the branch has no upstream: cannot tell if this tool is up to date', 'git branch --set-upstream-to origin/main'));
    return checks;
  }
  if (options.fetch) {
    const fetched = await git(dir, ['fetch', '--quiet']);
    if (!fetched.ok) checks.push(check('WARN', 'current', null, `git fetch failed (${fetched.out.split('\n')[0]}): compared with the last fetched ${upstream.out}`));
  }
  const counts = await git(dir, ['rev-list', '--left-right', '--count', `HEAD...${upstream.out}`]);
  const [ahead = 0, behind = 0] = counts.out.split(/\s+/).map(Number);
  if (behind > 0) checks.push(check('FAIL', 'current', null, `${behind} commit(s) behind ${upstream.out}`, 'git pull before changing the fleet: an old tool may undo newer fixes'));
  else checks.push(check('OK', 'current', null, `up to date with ${upstream.out}${ahead > 0 ? ` (${ahead} local commit(s) not pushed)` : ''}`));
  return checks;
}

/** The human report: one line per check, hints underneath. */
export function doctorText(checks: readonly Check[]): string {
  const lines = checks.map((c) => `${c.level.padEnd(4)} ${c.check.padEnd(8)} ${c.host ? `${c.host}: ` : ''}${c.detail}${c.hint ? `\n     HINT: ${c.hint}` : ''}`);
  const counts = (['FAIL', 'WARN', 'OK'] as const).map((l) => `${checks.filter((c) => c.level === l).length} ${l}`);
  return `${lines.join('\n')}\n\nDoctor: ${counts.join(', ')}.\n`;
}
