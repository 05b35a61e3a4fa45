// End to end: the `fleet` command, in-process but over real SSH (ssh2, host keys pinned), against
// three simulated hosts with systemd, sshd, cron and nftables (provision/src/testing/fleet.ts).
// One fleet, steps in order: first apply, idempotent second apply, one changed variable, a wrong
// host key, an unreachable host. Every byte the command prints, the audit logs and the hosts'
// journals are grepped for the canary secret at the end.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runFleet } from '../cli.ts';
import { fleetSkipReason, startFleet, type Fleet } from '../testing/fleet.ts';

// About 40 s alone; three hosts booting over SSH while the rest of `npm test` runs on two
// cores once needed more than the default 120 s.
t.setTimeout(300_000);

const CANARY = 'canary-e2e-5b8f03c1d2';
const captured: string[] = [];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function fleetCommand(inventory: string, ...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runFleet(['-i', inventory, ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  captured.push(out, err);
  return { code, out, err };
}

const SERVICE = `[Unit]
Description=A small daemon the base role keeps running
Wants=network-online.target
After=network-online.target

[Service]
User=cwapp
EnvironmentFile=/etc/cwapp/app.env
RuntimeDirectory=cwapp
ExecStart=/bin/sh -c 'echo "$\${GREETING}" > /run/cwapp/greeting; exec sleep infinity'
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

/** The inventory the operator would write, pointing at the simulated hosts. */
function writeInventory(dir: string, fleet: Fleet, options: { greetingApp1?: string; wrongKeyFor?: string } = {}): string {
  const inv = fleet.inventory();
  const otherKey = inv.hosts.find((h) => h.name !== options.wrongKeyFor)?.hostKey ?? '';
  const hosts = inv.hosts
    .map((h) => {
      const key = h.name === options.wrongKeyFor ? otherKey : h.hostKey;
      const vars = h.name === 'app1' && options.greetingApp1 ? `\n    vars: { greeting: ${JSON.stringify(options.greetingApp1)} }` : '';
      return `  ${h.name}:\n    address: ${h.ssh.host}\n    port: ${h.ssh.port}\n    user: ${h.ssh.user}\n    host_key: ${key}\n    roles: [${h.roles.join(', ')}]${vars}`;
    })
    .join('\n');
  const file = path.join(dir, 'fleet.yaml');
  writeFileSync(
    file,
    `defaults:
  identity_file: ${inv.operator.privateKeyPath}
secrets:
  file: ./secrets.yaml
vars:
  ssh_port: 22
  greeting: hello
  token: { secret: app_token }
  allow_tcp: []
  allow_udp: []
  base:
    packages: [curl, cron, nftables]
    users:
      - { name: cwapp, system: true }
    directories:
      - { path: /etc/cwapp, mode: "0750", owner: root, group: cwapp }
    sysctl:
      net.core.somaxconn: 1024
    files:
      - { path: /etc/cwapp/app.env, template: ./app.env, mode: "0640", owner: root, group: cwapp, restart: [cwapp.service] }
    nftables: { template: nftables/base.nft }
    units:
      - { name: cwapp.service, template: ./cwapp.service, settle: 2 }
    crontabs:
      cwapp:
        env: { MAILTO: "" }
        jobs:
          - { name: touch a stamp, schedule: "*/5 * * * *", command: "date +%s > /tmp/cwapp-stamp" }
hosts:
${hosts}
`,
  );
  return file;
}

t.test('the base role over SSH on three simulated hosts', { skip: fleetSkipReason() }, async (t) => {
  const fleet = await startFleet(t, { hosts: [{ name: 'lb', roles: ['lb'] }, { name: 'app1', roles: ['app'] }, { name: 'db1', roles: ['db'], user: 'deploy' }] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-e2e-'));
  t.teardown(() => undefined);
  writeFileSync(path.join(dir, 'secrets.yaml'), `app_token: ${CANARY}\n`);
  chmodSync(path.join(dir, 'secrets.yaml'), 0o600);
  writeFileSync(path.join(dir, 'app.env'), 'GREETING={{ greeting }}\nTOKEN={{ token }}\n');
  writeFileSync(path.join(dir, 'cwapp.service'), SERVICE);
  const inventory = writeInventory(dir, fleet);
  const names = ['lb', 'app1', 'db1'];
  const mainPid = async (name: string) => (await fleet.host(name).run('systemctl show --property=MainPID --value cwapp.service')).trim();

  await t.test('the first apply converges every host and the daemon stays up', async (t) => {
    const plan = await fleetCommand(inventory, 'plan');
    t.equal(plan.code, 2, plan.out + plan.err);
    t.match(plan.out, /\+TOKEN=«secret app_token»/);
    const apply = await fleetCommand(inventory, 'apply');
    t.equal(apply.code, 0, apply.out + apply.err);
    t.match(apply.out, /Idempotence: proven on 3 host\(s\): the re-plan after apply is empty\./);
    for (const name of names) {
      const host = fleet.host(name);
      t.equal(await host.run('systemctl is-active cwapp.service'), 'active\n', `${name}: the daemon runs`);
      t.equal(await host.run('cat /run/cwapp/greeting'), 'hello\n');
      t.equal(await host.run('stat -c "%a %U:%G" /etc/cwapp/app.env'), '640 root:cwapp\n');
      t.match(await host.run('id cwapp'), /uid=\d+\(cwapp\)/);
      t.match(await host.run('crontab -l -u cwapp'), /^# managed by cronwarden fleet.*\nMAILTO=""\n# touch a stamp: Every fifth minute of every hour\n\*\/5 \* \* \* \* date \+\\%s > \/tmp\/cwapp-stamp\n$/s);
      t.equal(await host.run('sysctl -n net.core.somaxconn'), '1024\n');
      t.equal((await host.exec('nft list table inet cronwarden')).code, 0, 'the ruleset is loaded');
      t.equal(await host.run('systemctl is-enabled nftables.service'), 'enabled\n');
      t.match(await host.run('cat /var/log/cronwarden-fleet/audit.log'), /run=[0-9a-f]{16} by=\S+ tool=\S+ command=".*apply" result=ok changes=\d+\n$/);
      t.equal((await host.exec('test -e /var/lib/cronwarden-fleet/lock')).code, 1, 'the lock is released');
    }
    // Stays up: a few seconds later it is still the same process, never restarted.
    const pids = await Promise.all(names.map(mainPid));
    await new Promise((r) => setTimeout(r, 2000));
    t.same(await Promise.all(names.map(mainPid)), pids);
    t.equal(await fleet.host('app1').run('systemctl show --property=NRestarts --value cwapp.service'), '0\n');
  });

  await t.test('a second apply changes nothing', async (t) => {
    const apply = await fleetCommand(inventory, 'apply');
    t.equal(apply.code, 0, apply.out);
    for (const name of names) t.match(apply.out, new RegExp(`${name} \\(127\\.0\\.0\\.1:\\d+\\): nothing to change`));
    t.match(apply.out, /Apply: 0 change\(s\) applied/);
    t.equal((await fleetCommand(inventory, 'plan')).code, 0);
  });

  await t.test('doctor reaches every host over SSH with its pinned key and reads clock and disk', async (t) => {
    const doctor = await fleetCommand(inventory, 'doctor', '--no-fetch');
    for (const h of fleet.inventory().hosts) {
      t.match(doctor.out, new RegExp(`OK   ssh      ${h.name}: 127\\.0\\.0\\.1:${h.ssh.port} as ${h.ssh.user}`));
      t.ok(doctor.out.includes(`host key ssh-ed25519 ${h.hostKeyFingerprint}`), `${h.name}: the pinned key's fingerprint`);
      t.match(doctor.out, new RegExp(`OK   clock    ${h.name}: [+-]\\d+\\.\\d\\ds against this machine`));
      t.match(doctor.out, new RegExp(`(OK|WARN|FAIL)\\s+disk     ${h.name}: / \\d+% used`));
      t.match(doctor.out, new RegExp(`OK   lock     ${h.name}: free`));
    }
  });

  await t.test('changing one variable shows exactly that diff and restarts exactly that unit', async (t) => {
    const changed = writeInventory(dir, fleet, { greetingApp1: 'bonjour' });
    const before = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await mainPid(n)] as const)));
    const plan = await fleetCommand(changed, 'plan', '--json');
    t.equal(plan.code, 2);
    const report = JSON.parse(plan.out) as { hosts: { name: string; changes: { op: string; summary: string[]; diff: string | null }[] }[] };
    const byHost = Object.fromEntries(report.hosts.map((h) => [h.name, h.changes]));
    t.same(byHost.lb, []);
    t.same(byHost.db1, []);
    t.same(byHost.app1?.map((c) => c.op), ['file /etc/cwapp/app.env', 'unit cwapp.service']);
    t.equal(byHost.app1?.[0]?.diff?.split('\n').filter((l) => /^[-+][^-+]/.test(l)).join('\n'), '-GREETING=hello\n+GREETING=bonjour');
    t.same(byHost.app1?.[1]?.summary, ['restart cwapp.service: /etc/cwapp/app.env changed']);
    const apply = await fleetCommand(changed, 'apply');
    t.equal(apply.code, 0, apply.out);
    t.not(await mainPid('app1'), before.app1, 'app1 restarted its daemon');
    t.equal(await mainPid('lb'), before.lb, 'lb did not');
    t.equal(await mainPid('db1'), before.db1, 'db1 did not');
    t.equal(await fleet.host('app1').run('cat /run/cwapp/greeting'), 'bonjour\n');
    t.match(await fleet.host('app1').run('cat /etc/cwapp/app.env.fleet-prev'), /^GREETING=hello\n/, 'the previous version is kept');
  });

  await t.test('a wrong host key is refused with the fingerprints; the other hosts are still planned', async (t) => {
    const wrong = writeInventory(dir, fleet, { greetingApp1: 'bonjour', wrongKeyFor: 'db1' });
    const plan = await fleetCommand(wrong, 'plan');
    t.equal(plan.code, 1);
    t.match(plan.out, /db1 \(127\.0\.0\.1:\d+\): ERROR\n\s+REFUSED db1 .*HOST KEY MISMATCH/);
    t.ok(plan.out.includes(fleet.host('db1').hostKeyFingerprint), 'names the key db1 really offered');
    t.match(plan.out, /app1 \(127\.0\.0\.1:\d+\): no changes/);
  });

  await t.test('an unreachable host fails clearly while the others complete and release the lock', async (t) => {
    await fleet.host('lb').kill();
    const changed = writeInventory(dir, fleet, { greetingApp1: 'hola' });
    const apply = await fleetCommand(changed, 'apply');
    t.equal(apply.code, 1);
    t.match(apply.out, /lb \(127\.0\.0\.1:\d+\): FAILED\n\s+✗ cannot reach lb/);
    t.match(apply.out, /app1 \(127\.0\.0\.1:\d+\): applied 2 change\(s\)/);
    t.match(apply.out, /db1 \(127\.0\.0\.1:\d+\): nothing to change/);
    t.equal(await fleet.host('app1').run('cat /run/cwapp/greeting'), 'hola\n');
    for (const name of ['app1', 'db1']) t.equal((await fleet.host(name).exec('test -e /var/lib/cronwarden-fleet/lock')).code, 1, `${name}: lock released`);
  });

  await t.test('the secret never appears in any output, audit log or journal', async (t) => {
    t.ok(captured.length >= 10);
    t.notOk(captured.join('\n').includes(CANARY), 'no command output shows it');
    for (const name of ['app1', 'db1']) {
      const host = fleet.host(name);
      t.match(await host.run('cat /etc/cwapp/app.env'), new RegExp(`TOKEN=${CANARY}`), `${name} has the real value`);
      t.notOk((await host.run('cat /var/log/cronwarden-fleet/audit.log')).includes(CANARY), `${name}: not in the audit log`);
      t.notOk((await host.run('journalctl --no-pager --output=cat')).includes(CANARY), `${name}: not in the journal (sudo logs command lines)`);
    }
  });
});
