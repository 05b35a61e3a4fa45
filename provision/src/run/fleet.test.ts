// The executor against simulated hosts (fake-host.ts) over the recording fake transport:
// locks, precondition re-checks, audit lines, the re-plan, failures that stay on one host.
import t from 'tap';
import type { Host, VarMap } from '../inventory/types.ts';
import { packagesOperation } from '../ops/apt.ts';
import { fileOperation } from '../ops/files.ts';
import { unitOperation } from '../ops/systemd.ts';
import type { Operation } from '../ops/types.ts';
import { renderTemplate } from '../render/template.ts';
import { Redactor, Secret } from '../secrets.ts';
import { FakeConnector } from '../transport/fake.ts';
import { FakeHost } from './fake-host.ts';
import { applyFleet, planFleet, type FleetOptions } from './fleet.ts';
import type { RunIdentity } from './lock.ts';
import { applyReport, planReport } from './report.ts';

const CANARY = 'canary-secret-7f3a9e21';
const UNIT = '[Unit]\nDescription=test app\n\n[Service]\nExecStart=/usr/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n';

function host(name: string, index: number): Host {
  return { name, address: `10.0.0.${index + 1}`, port: 22, user: 'root', sudo: false, identityFile: null, hostKeys: [], roles: ['app'], vars: {}, wireguardAddress: null };
}

/** A small role: a config file (with a secret) that restarts a unit, and the unit itself. */
function ops(vars: VarMap, extra: Operation[] = []): Operation[] {
  const conf = renderTemplate('workers = {{ workers }}\ntoken = {{ token }}\n', 'app.conf', vars);
  return [
    ...extra,
    fileOperation({ path: '/etc/app.conf', content: conf, mode: '0600', owner: 'root', group: 'root', validate: null, notify: [{ unit: 'app.service', action: 'restart' }] }) as unknown as Operation,
    unitOperation({ name: 'app.service', content: { text: UNIT, masked: UNIT, secrets: [] }, enabled: true, running: true, reloadable: false, settle: 1 }) as unknown as Operation,
  ];
}

function fleet(names: string[]) {
  const hosts = new Map(names.map((n) => [n, new FakeHost(n)]));
  const connector = new FakeConnector((name, command, stdin) => {
    const h = hosts.get(name);
    if (!h) throw new Error(`no fake host ${name}`);
    return h.respond(command, stdin);
  });
  const options: FleetOptions = { connector, parallel: 2, adopt: false, redactor: new Redactor([CANARY]), now: () => new Date('2026-11-22T10:00:00Z') };
  return { hosts, connector, options, list: names.map((n, i) => host(n, i)) };
}

const id: RunIdentity = { runId: 'run0001', holder: 'alice@laptop', command: 'fleet apply', tool: 'abc1234' };
const vars = (workers: number): VarMap => ({ workers, token: new Secret('token', CANARY) });

function allOutput(...reports: { text: string; json: unknown }[]): string {
  return reports.map((r) => r.text + JSON.stringify(r.json)).join('\n');
}

t.test('apply converges fresh hosts, proves it with an empty re-plan, and a second apply changes nothing', async (t) => {
  const f = fleet(['app1', 'app2']);
  const before = planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor);
  t.equal(before.exitCode, 2, 'plan exits 2: changes pending');
  t.match(before.text, /app1 \(10\.0\.0\.1:22\): 2 change\(s\)/);
  t.match(before.text, /\+workers = 4/);
  t.match(before.text, /\+token = «secret token»/);

  const marks = new Map([...f.hosts.values()].map((h) => [h.name, h.commands.length]));
  const result = await applyFleet(f.list, () => ops(vars(4)), id, f.options);
  const report = applyReport(result, f.options.redactor);
  t.equal(report.exitCode, 0, report.text);
  t.match(report.text, /Idempotence: proven on 2 host\(s\)/);
  for (const h of f.hosts.values()) {
    t.equal(h.text('/etc/app.conf'), `workers = 4\ntoken = ${CANARY}\n`, 'the host got the real secret');
    t.equal(h.files.get('/etc/app.conf')?.mode, '0600');
    t.same(h.units.get('app.service'), { active: true, enabled: true, crashes: false });
    t.notOk(h.files.has('/var/lib/cronwarden-fleet/lock/holder'), 'the lock is released');
    const audit = h.auditLines();
    t.equal(audit.length, 1);
    t.match(audit[0], /^2026-11-22T10:00:00\.000Z run=run0001 by=alice@laptop tool=abc1234 command="fleet apply" result=ok changes=2$/);
    t.ok(h.commands[marks.get(h.name) ?? 0]?.startsWith('mkdir -p -m 0700 -- /var/lib/cronwarden-fleet && if mkdir'), 'the lock is the first thing taken');
  }

  const again = applyReport(await applyFleet(f.list, () => ops(vars(4)), { ...id, runId: 'run0002' }, f.options), f.options.redactor);
  t.equal(again.exitCode, 0);
  t.match(again.text, /app1 .*: nothing to change/);
  for (const h of f.hosts.values()) t.equal(h.auditLines().length, 1, 'an untouched host gets no audit line');
  t.equal(planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor).exitCode, 0, 'plan exits 0: nothing to do');
  t.notOk(allOutput(before, report, again).includes(CANARY), 'the secret never appears in any output');
  t.notOk(f.connector.log.some((c) => c.display.includes(CANARY) || c.text.includes(CANARY)), 'the secret never travels in a command line');
});

t.test('changing one variable shows exactly that diff and restarts exactly the affected unit', async (t) => {
  const f = fleet(['app1']);
  await applyFleet(f.list, () => ops(vars(4)), id, f.options);
  const h = f.hosts.get('app1') as FakeHost;
  const plan = planReport(await planFleet(f.list, () => ops(vars(8)), f.options), f.options.redactor);
  t.equal(plan.exitCode, 2);
  t.match(plan.text, /-workers = 4\n\s+\+workers = 8/);
  t.match(plan.text, /restart app.service: \/etc\/app.conf changed/);
  t.notMatch(plan.text, /app\.service\n.*unit file/, 'the unit file itself is unchanged');
  const mark = h.commands.length;
  const report = applyReport(await applyFleet(f.list, () => ops(vars(8)), { ...id, runId: 'run0003' }, f.options), f.options.redactor);
  t.equal(report.exitCode, 0, report.text);
  const run = h.commands.slice(mark);
  t.same(run.filter((c) => /^systemctl (start|restart|reload|stop)/.test(c)), ['systemctl restart -- app.service']);
  t.ok(run.indexOf(run.find((c) => c.includes('pending/app.service.restart') && c.startsWith('mkdir')) ?? '') < run.findIndex((c) => c.startsWith('set -eu')), 'the pending restart is recorded before the file changes');
  t.notOk(h.files.has('/var/lib/cronwarden-fleet/pending/app.service.restart'), 'and cleared after the restart');
  t.equal(h.files.get('/etc/app.conf.fleet-prev')?.content.toString(), `workers = 4\ntoken = ${CANARY}\n`, 'the previous version is kept');
});

t.test('a restart left pending by an interrupted run is done by the next one', async (t) => {
  const f = fleet(['app1']);
  await applyFleet(f.list, () => ops(vars(4)), id, f.options);
  const h = f.hosts.get('app1') as FakeHost;
  // The file was written but the run died before the restart.
  h.write('/var/lib/cronwarden-fleet/pending/app.service.restart', '/etc/app.conf changed\n');
  const plan = planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor);
  t.match(plan.text, /restart app.service: \/etc\/app.conf changed \(left pending by an earlier run\)/);
  const report = applyReport(await applyFleet(f.list, () => ops(vars(4)), { ...id, runId: 'run0004' }, f.options), f.options.redactor);
  t.equal(report.exitCode, 0, report.text);
  t.notOk(h.files.has('/var/lib/cronwarden-fleet/pending/app.service.restart'));
});

t.test('a host changed between plan and apply is aborted with a clear message; the others go on', async (t) => {
  const f = fleet(['app1', 'app2']);
  const tampered = f.hosts.get('app1') as FakeHost;
  let reads = 0;
  tampered.tamper = (command) => {
    // Right after the plan reads the file, someone edits it by hand.
    if (command.startsWith('if [ -e /etc/app.conf ]') && ++reads === 1) tampered.write('/etc/app.conf', 'edited by hand\n');
  };
  const result = await applyFleet(f.list, () => ops(vars(4)), id, f.options);
  const report = applyReport(result, f.options.redactor);
  t.equal(report.exitCode, 1);
  t.match(report.text, /app1 .*: FAILED\n\s+✗ STALE PLAN: file \/etc\/app.conf changed on app1 after it was planned .*Nothing more was done on this host/);
  t.equal(tampered.text('/etc/app.conf'), 'edited by hand\n', 'the hand edit was not overwritten');
  t.notOk(tampered.units.has('app.service'), 'nothing after it ran either');
  t.equal((f.hosts.get('app2') as FakeHost).units.get('app.service')?.active, true, 'app2 completed');
  for (const h of f.hosts.values()) t.notOk(h.files.has('/var/lib/cronwarden-fleet/lock/holder'), `${h.name} lock released`);
});

t.test('a lock held elsewhere stops the whole apply before anything changes, and says who holds it', async (t) => {
  const f = fleet(['app1', 'app2']);
  const busy = f.hosts.get('app2') as FakeHost;
  busy.write('/var/lib/cronwarden-fleet/lock/holder', 'holder=bob@desk\ncommand=fleet apply --limit db\nrun=other\nsince=2026-11-22T09:59:00Z\n');
  const report = applyReport(await applyFleet(f.list, () => ops(vars(4)), id, f.options), f.options.redactor);
  t.equal(report.exitCode, 1);
  t.match(report.text, /Nothing was applied: the deploy lock is held/);
  t.match(report.text, /app2 is locked:\n\s+holder=bob@desk\n\s+command=fleet apply --limit db/);
  const free = f.hosts.get('app1') as FakeHost;
  t.notOk(free.files.has('/etc/app.conf'), 'nothing applied on the free host');
  t.notOk(free.files.has('/var/lib/cronwarden-fleet/lock/holder'), 'its lock was released again');
  t.match(busy.text('/var/lib/cronwarden-fleet/lock/holder'), /bob@desk/, "bob's lock is left alone");
  const plan = planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor);
  t.match(plan.text, /warning: the deploy lock is held[^\n]*\n\s+holder=bob@desk/);
});

t.test('an unreachable host fails clearly while the others complete and release their lock', async (t) => {
  const f = fleet(['app1', 'db1']);
  f.connector.unreachable.add('db1');
  const report = applyReport(await applyFleet(f.list, () => ops(vars(4)), id, f.options), f.options.redactor);
  t.equal(report.exitCode, 1);
  t.match(report.text, /db1 .*: FAILED\n\s+✗ cannot reach db1 at 10\.0\.0\.2:22: connection refused/);
  const ok = f.hosts.get('app1') as FakeHost;
  t.equal(ok.units.get('app.service')?.active, true);
  t.notOk(ok.files.has('/var/lib/cronwarden-fleet/lock/holder'));
  const plan = planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor);
  t.equal(plan.exitCode, 1, 'plan exits 1 when a host cannot be planned');
});

t.test('a unit that does not stay up fails its host with the journal, and the audit line says so', async (t) => {
  const f = fleet(['app1']);
  const h = f.hosts.get('app1') as FakeHost;
  h.units.set('app.service', { active: false, enabled: false, crashes: true });
  const report = applyReport(await applyFleet(f.list, () => ops(vars(4)), id, f.options), f.options.redactor);
  t.equal(report.exitCode, 1);
  t.match(report.text, /unit app.service: app.service did not stay up for 1s after starting:\n\s+✗ activating\n\s+✗ ● app.service/);
  t.match(report.text, /fatal: cannot bind/);
  t.match(h.auditLines()[0], /result=failed after 1 change\(s\): unit app.service: app.service did not stay up/);
  t.notOk(h.files.has('/var/lib/cronwarden-fleet/lock/holder'));
});

t.test('a file the validator refuses is reported and never goes live', async (t) => {
  const f = fleet(['app1']);
  const broken = unitOperation({ name: 'app.service', content: { text: '[Unit]\n', masked: '[Unit]\n', secrets: [] }, enabled: true, running: true, reloadable: false, settle: 0 }) as unknown as Operation;
  const report = applyReport(await applyFleet(f.list, () => [broken], id, f.options), f.options.redactor);
  t.equal(report.exitCode, 1);
  t.match(report.text, /validation failed for \/etc\/systemd\/system\/app.service:\n.*Refusing/);
  t.notOk((f.hosts.get('app1') as FakeHost).files.has('/etc/systemd/system/app.service'));
});

t.test('a change made by a package install is planned again, not reported as stale', async (t) => {
  const f = fleet(['app1']);
  const h = f.hosts.get('app1') as FakeHost;
  h.packageFiles.set('appd', { path: '/etc/app.conf', content: 'packaged default\n' });
  const result = await applyFleet(f.list, () => ops(vars(4), [packagesOperation(['appd']) as unknown as Operation]), id, f.options);
  const report = applyReport(result, f.options.redactor);
  t.equal(report.exitCode, 0, report.text);
  t.match(report.text, /✓ file \/etc\/app.conf \(planned again after an earlier package or user change\)/);
  t.equal(h.files.get('/etc/app.conf.fleet-prev')?.content.toString(), 'packaged default\n');
  t.equal(h.text('/etc/app.conf'), `workers = 4\ntoken = ${CANARY}\n`);
});

t.test('the JSON reports carry the same facts, secrets masked', async (t) => {
  const f = fleet(['app1']);
  const plan = planReport(await planFleet(f.list, () => ops(vars(4)), f.options), f.options.redactor);
  const json = plan.json as { hosts: { name: string; status: string; changes: { op: string; commands: string[]; diff: string | null }[] }[]; summary: { changes: number } };
  t.equal(json.summary.changes, 2);
  t.equal(json.hosts[0]?.status, 'changes');
  t.same(json.hosts[0]?.changes.map((c) => c.op), ['file /etc/app.conf', 'unit app.service']);
  t.match(json.hosts[0]?.changes[0]?.commands.join('\n'), /write \/etc\/app.conf \(\d+ bytes, mode 0600, root:root\)/);
  t.match(json.hosts[0]?.changes[0]?.diff, /«secret token»/);
  const apply = applyReport(await applyFleet(f.list, () => ops(vars(4)), id, f.options), f.options.redactor);
  t.same((apply.json as { summary: unknown }).summary, { applied: 2, hostsFailed: 0, hostsNotConverged: 0, idempotent: true });
  t.notOk(allOutput(plan, apply).includes(CANARY));
});
