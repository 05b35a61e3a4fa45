import t from 'tap';
import { loadInventory } from '../inventory/load.ts';
import { parseInventory } from '../inventory/parse.ts';
import { FakeHost } from '../run/fake-host.ts';
import { applyFleet, planFleet, type FleetOptions } from '../run/fleet.ts';
import { applyReport, planReport } from '../run/report.ts';
import { Redactor, StaticSecretSource } from '../secrets.ts';
import { FakeConnector } from '../transport/fake.ts';
import { baseRole } from './base.ts';
import { fileTemplates } from './templates.ts';

const example = new URL('../../inventory.example.yaml', import.meta.url).pathname;
const CANARY = 'https://hc.example/ping/role-canary-91c2';
const secrets = new StaticSecretSource({ heartbeat_url: CANARY });

t.test('the example inventory gives every host the base role, in dependency order', async (t) => {
  const inv = loadInventory(example, { secrets });
  const templates = fileTemplates(inv.file);
  for (const host of inv.hosts) {
    const { ops, problems } = baseRole(host, templates);
    t.same(problems, [], host.name);
    t.same(
      ops.map((o) => o.id.split(' ')[0]),
      ['packages', 'user', 'directory', 'sysctl', 'file', 'nftables', 'unit', 'unit', 'crontab'],
    );
  }
  const db1 = inv.hosts.find((h) => h.name === 'db1');
  t.ok(db1 && baseRole(db1, templates).ops.some((o) => o.id === 'sysctl net.core.somaxconn vm.swappiness'));
});

t.test('role problems are all reported with host and key path', async (t) => {
  const inv = parseInventory(
    `hosts:
  app1:
    address: 10.0.0.1
    vars:
      token: { secret: heartbeat_url }
      base:
        pakages: [curl]
        directories: [{ path: relative/dir, mode: 644 }]
        sysctl: { somaxconn: 1 }
        files:
          - { path: /etc/token, template: ./nope.tmpl }
          - { path: /etc/token2, template: systemd/fleet-heartbeat.env, mode: "0644", restart: [ghost.service] }
          - { path: /etc/dup, template: ./dup.conf }
          - { path: /etc/dup, template: ./dup.conf }
        units:
          - { name: app, template: systemd/fleet-heartbeat.timer }
        crontabs:
          root:
            jobs:
              - { name: bad, schedule: "61 * * * *", command: "echo {{ missing }}" }
              - { name: worse, schedule: "* * *", command: "true" }
`,
    { file: new URL('./fixtures/fleet.yaml', import.meta.url).pathname, secrets },
  );
  const host = inv.hosts[0];
  if (!host) throw new Error('no host');
  const { problems } = baseRole(host, fileTemplates(inv.file));
  const expected = [
    /^host app1: vars\.base\.pakages: unknown key/,
    /^host app1: vars\.base\.directories\[0\]\.path: must be an absolute path, got "relative\/dir"$/,
    /^host app1: vars\.base\.directories\[0\]\.mode: write modes as quoted octal strings \("0640"\): YAML reads 644 as the decimal number 644$/,
    /^host app1: vars\.base\.sysctl\.somaxconn: not a sysctl key/,
    /^host app1: vars\.base\.files\[0\]\.template: cannot read template \.\/nope\.tmpl/,
    /^host app1: vars\.base\.files\[1\]\.template: systemd\/fleet-heartbeat\.env:2: \{\{heartbeat_url\}\} is not defined$/,
    /^host app1: vars\.base\.files\[1\]\.restart\[0\]: ghost\.service is not listed in base\.units$/,
    /^host app1: vars\.base\.units\[0\]\.name: must be a unit name such as app\.service, got "app"$/,
    /^host app1: vars\.base\.units\[0\]\.template: systemd\/fleet-heartbeat\.timer:2: \{\{heartbeat_minutes\}\} is not defined$/,
    /^host app1: vars\.base\.crontabs\.root\.jobs\[0\]\.schedule: minute "61" is outside 0-59$/,
    /^host app1: vars\.base\.crontabs\.root\.jobs\[1\]\.schedule: a schedule has 5 fields/,
    /^host app1: vars\.base: file \/etc\/dup is described twice$/,
  ];
  for (const re of expected) t.ok(problems.some((p) => re.test(p)), re.source);
  t.equal(problems.length, expected.length, problems.join('\n'));
});

t.test('secrets may not go into world-readable files or unit files, and units may not Require= the tunnel', async (t) => {
  const inv = parseInventory(
    `vars:
  heartbeat_url: { secret: heartbeat_url }
  base:
    files: [{ path: /etc/hb.env, template: systemd/fleet-heartbeat.env, mode: "0644" }]
    units:
      - { name: leak.service, template: ./leak.service }
      - { name: db.service, template: ./requires-wg.service }
hosts: { app1: { address: 10.0.0.1 } }
`,
    { file: new URL('./fixtures/fleet.yaml', import.meta.url).pathname, secrets },
  );
  const { problems } = baseRole(inv.hosts[0] ?? (undefined as never), fileTemplates(inv.file));
  t.match(problems[0], /\/etc\/hb\.env holds secrets \(heartbeat_url\) and must not be world-readable \(mode 0644\)/);
  t.match(problems[1], /unit files are world-readable: move heartbeat_url into an EnvironmentFile with mode 0600/);
  t.match(problems[2], /units\[1\]\.template: Requires= toward wg-quick@: use Wants= and After=/);
  t.notOk(problems.join('').includes(CANARY));
});

t.test('the base role converges on fresh hosts: plan, apply, then nothing left to do', async (t) => {
  const inv = loadInventory(example, { secrets });
  const templates = fileTemplates(inv.file);
  const hosts = new Map(inv.hosts.map((h) => [h.name, new FakeHost(h.name)]));
  for (const h of hosts.values()) {
    for (const p of ['curl', 'cron', 'nftables']) h.packages.set(p, '1.0');
    h.units.set('nftables.service', { active: false, enabled: false, crashes: false });
  }
  const connector = new FakeConnector((name, command, stdin) => (hosts.get(name) as FakeHost).respond(command, stdin));
  const options: FleetOptions = { connector, parallel: 3, adopt: false, redactor: new Redactor(secrets.knownValues()), now: () => new Date('2026-11-22T12:00:00Z') };
  const opsFor = (host: (typeof inv.hosts)[number]) => baseRole(host, templates).ops;

  const plan = planReport(await planFleet(inv.hosts, opsFor, options), options.redactor);
  t.equal(plan.exitCode, 2);
  t.match(plan.text, /create user cronwarden/);
  t.match(plan.text, /\+HEARTBEAT_URL=«secret heartbeat_url»/);
  t.match(plan.text, /db1 .*\n(.*\n)*\s+sysctl vm.swappiness: 60 → 10/);
  const apply = applyReport(await applyFleet(inv.hosts, opsFor, { runId: 'r1', holder: 'op@laptop', command: 'fleet apply', tool: 't' }, options), options.redactor);
  t.equal(apply.exitCode, 0, apply.text);
  t.match(apply.text, /Idempotence: proven on 3 host\(s\)/);
  const db1 = hosts.get('db1') as FakeHost;
  t.equal(db1.text('/etc/cronwarden/heartbeat.env'), `HEARTBEAT_URL=${CANARY}\n`);
  t.equal(db1.files.get('/etc/cronwarden/heartbeat.env')?.mode, '0600');
  t.match(db1.text('/etc/nftables.conf'), /tcp dport 2222 accept comment "ssh"/, 'SSH stays open on the host’s own port');
  t.match(db1.crontabs.get('root'), /^# managed by cronwarden fleet/);
  t.equal(db1.sysctl.get('vm.swappiness'), '10');
  t.same(db1.units.get('fleet-heartbeat.timer'), { active: true, enabled: true, crashes: false });
  t.equal(planReport(await planFleet(inv.hosts, opsFor, options), options.redactor).exitCode, 0);
  t.notOk((plan.text + apply.text + JSON.stringify(plan.json) + JSON.stringify(apply.json)).includes(CANARY));
});
