// The `fleet` command end to end in-process, over simulated hosts: arguments, exit codes, the
// human and JSON reports, doctor, lock, and a canary secret grepped from every byte of output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runFleet, type FleetIo } from './cli.ts';
import { FakeHost } from './run/fake-host.ts';
import { StaticSecretSource } from './secrets.ts';
import { FakeConnector } from './transport/fake.ts';

const CANARY = 'https://hc.example/ping/cli-canary-4e7b1d';
const example = new URL('../inventory.example.yaml', import.meta.url).pathname;

function harness() {
  const hosts = new Map(['lb1', 'app1', 'db1'].map((n) => [n, new FakeHost(n)]));
  for (const h of hosts.values()) {
    for (const p of ['curl', 'cron', 'nftables']) h.packages.set(p, '1.0');
    h.units.set('nftables.service', { active: false, enabled: false, crashes: false });
  }
  const connector = new FakeConnector((name, command, stdin) => (hosts.get(name) as FakeHost).respond(command, stdin));
  let out = '';
  let err = '';
  const io: FleetIo = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    connector: () => connector,
    secrets: new StaticSecretSource({ heartbeat_url: CANARY }),
    now: () => new Date('2026-11-22T12:00:00Z'),
  };
  const run = async (...args: string[]) => {
    out = '';
    err = '';
    const code = await runFleet(['-i', example, ...args], io);
    return { code, out, err };
  };
  return { hosts, connector, io, run, all: () => connector.log.map((c) => c.display).join('\n') };
}

t.test('plan exits 2 with changes, apply converges, plan then exits 0; no byte of output holds the secret', async (t) => {
  const h = harness();
  const outputs: string[] = [];
  const plan = await h.run('plan');
  outputs.push(plan.out, plan.err);
  t.equal(plan.code, 2);
  t.match(plan.out, /Plan: \d+ change\(s\) on 3 host\(s\), 0 host\(s\) unchanged\./);
  t.match(plan.err, /lb1: reading facts/, 'progress goes to stderr');
  const json = await h.run('plan', '--json');
  outputs.push(json.out, json.err);
  t.equal(json.err, '', 'no progress noise with --json');
  t.equal(JSON.parse(json.out).summary.hostsWithChanges, 3);
  const apply = await h.run('apply');
  outputs.push(apply.out, apply.err);
  t.equal(apply.code, 0, apply.out);
  t.match(apply.out, /Idempotence: proven on 3 host\(s\)/);
  const again = await h.run('plan');
  outputs.push(again.out, again.err);
  t.equal(again.code, 0);
  t.match(again.out, /Plan: 0 change\(s\) on 0 host\(s\), 3 host\(s\) unchanged\./);
  const audit = (h.hosts.get('app1') as FakeHost).auditLines();
  t.match(audit[0], new RegExp(`run=[0-9a-f]{16} by=\\S+@\\S+ tool=\\S+ command="fleet -i ${example} apply" result=ok changes=\\d+`));
  outputs.push(h.all(), ...[...h.hosts.values()].flatMap((x) => x.auditLines()));
  t.notOk(outputs.join('\n').includes(CANARY), 'the canary appears in no output, command display or audit line');
  t.ok([...h.hosts.values()].every((x) => x.text('/etc/cronwarden/heartbeat.env')?.includes(CANARY)), 'yet every host has the real value');
});

t.test('--limit narrows to a role or host, and an unknown name is an error', async (t) => {
  const h = harness();
  const plan = await h.run('plan', '--limit', 'db', '--json');
  t.same(JSON.parse(plan.out).hosts.map((x: { name: string }) => x.name), ['db1']);
  t.same(h.connector.opened, ['db1'], 'no other host is even contacted');
  const bad = await h.run('plan', '--limit', 'nope');
  t.equal(bad.code, 1);
  t.match(bad.err, /--limit: no host or role named nope/);
});

t.test('an unreachable host makes plan exit 1 and apply finish the others', async (t) => {
  const h = harness();
  h.connector.unreachable.add('lb1');
  t.equal((await h.run('plan')).code, 1);
  const apply = await h.run('apply');
  t.equal(apply.code, 1);
  t.match(apply.out, /lb1 .*: FAILED\n\s+✗ cannot reach lb1/);
  t.match(apply.out, /app1 .*: applied \d+ change\(s\)/);
  t.notOk((h.hosts.get('app1') as FakeHost).files.has('/var/lib/cronwarden-fleet/lock/holder'), 'lock released');
});

t.test('unmanaged crontab lines are refused until --adopt', async (t) => {
  const h = harness();
  (h.hosts.get('app1') as FakeHost).crontabs.set('root', '0 * * * * /root/mine.sh\n');
  const plan = await h.run('plan', '--limit', 'app1');
  t.equal(plan.code, 1);
  t.match(plan.out, /! crontab root: REFUSED\n\s+the crontab of root has 1 line\(s\) fleet does not manage:\n\s+0 \* \* \* \* \/root\/mine\.sh/);
  const refused = await h.run('apply', '--limit', 'app1');
  t.equal(refused.code, 1);
  t.match(refused.out, /nothing applied: crontab root/);
  t.equal((h.hosts.get('app1') as FakeHost).crontabs.get('root'), '0 * * * * /root/mine.sh\n');
  const adopted = await h.run('apply', '--limit', 'app1', '--adopt');
  t.equal(adopted.code, 0, adopted.out);
  t.match((h.hosts.get('app1') as FakeHost).crontabs.get('root'), /^# managed by cronwarden fleet/);
});

t.test('lock status shows holders; release needs --force', async (t) => {
  const h = harness();
  (h.hosts.get('db1') as FakeHost).write('/var/lib/cronwarden-fleet/lock/holder', 'holder=bob@desk\nrun=x\n');
  const status = await h.run('lock', 'status');
  t.equal(status.code, 0);
  t.match(status.out, /lb1: free\napp1: free\ndb1: held\n\s+holder=bob@desk/);
  t.equal((await h.run('lock', 'release')).code, 1);
  const released = await h.run('lock', 'release', '--force', '--limit', 'db1');
  t.match(released.out, /db1: released/);
  t.notOk((h.hosts.get('db1') as FakeHost).files.has('/var/lib/cronwarden-fleet/lock/holder'));
});

function gitRepo(): { dir: string; upstream: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'cw-git-'));
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe' });
  const upstream = path.join(base, 'upstream');
  git(base, 'init', '-q', '--bare', upstream);
  const dir = path.join(base, 'work');
  git(base, 'clone', '-q', upstream, dir);
  writeFileSync(path.join(dir, 'f'), '1');
  git(dir, 'add', 'f');
  git(dir, 'commit', '-qm', 'one');
  git(dir, 'push', '-q', '-u', 'origin', 'main');
  return { dir, upstream };
}

t.test('doctor: reachability with host key, clock skew, disk, and this checkout being clean and current', async (t) => {
  const h = harness();
  const repo = gitRepo();
  (h.hosts.get('db1') as FakeHost).clockOffset = 3;
  (h.hosts.get('lb1') as FakeHost).diskUsed = 95;
  h.connector.unreachable.add('app1');
  const io = { ...h.io, checkout: repo.dir };
  let out = '';
  const code = await runFleet(['-i', example, 'doctor'], { ...io, stdout: (s) => (out += s) });
  t.equal(code, 1);
  t.match(out, /OK   checkout clean at [0-9a-f]+/);
  t.match(out, /OK   current  up to date with origin\/main/);
  t.match(out, /OK   ssh      lb1: 192\.0\.2\.10:22 as root, host key ssh-ed25519 SHA256:/);
  t.match(out, /FAIL ssh      app1: cannot reach app1/);
  t.match(out, /WARN clock    db1: \+3\.\d\ds against this machine/);
  t.match(out, /FAIL disk     lb1: \/ 95% used/);
  t.match(out, /HINT: free space/);

  // Someone pushed a newer tool: this checkout is behind and doctor fails on it.
  const other = path.join(path.dirname(repo.dir), 'other');
  execFileSync('git', ['clone', '-q', repo.upstream, other]);
  writeFileSync(path.join(other, 'f'), '2');
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'two'], { cwd: other });
  execFileSync('git', ['push', '-q'], { cwd: other });
  writeFileSync(path.join(repo.dir, 'f'), 'local edit');
  out = '';
  h.connector.unreachable.clear();
  await runFleet(['-i', example, 'doctor', '--limit', 'app1'], { ...io, stdout: (s) => (out += s) });
  t.match(out, /WARN checkout 1 uncommitted change\(s\)/);
  t.match(out, /FAIL current  1 commit\(s\) behind origin\/main\n\s+HINT: git pull before changing the fleet/);
});

t.test('bad arguments are explained', async (t) => {
  const h = harness();
  t.match((await h.run('deploy')).err, /unknown command "deploy"/);
  t.match((await h.run('plan', '--parallel', '0')).err, /--parallel must be an integer from 1 to 64/);
  t.match((await h.run('plan', '--bogus')).err, /Unknown option '--bogus'/);
  t.equal((await runFleet(['--help'], h.io)), 0);
});
