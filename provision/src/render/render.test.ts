// Golden files: each render/golden/<case>.json names a template in the top-level folders and
// its variables; <case>.out is the exact output and <case>.masked what a plan shows. A template
// change is then a reviewable diff. CW_UPDATE_FIXTURES=1 rewrites the outputs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { VarMap } from '../inventory/types.ts';
import { Redactor, Secret, StaticSecretSource } from '../secrets.ts';
import { CRONTAB_HEADER, cronScheduleProblem, renderCrontab } from './cron.ts';
import { fileDiff } from './diff.ts';
import { renderSysctl } from './sysctl.ts';
import { renderTemplate, TemplateError } from './template.ts';

const repo = new URL('../../../', import.meta.url);
const golden = new URL('./golden/', import.meta.url);
const update = process.env.CW_UPDATE_FIXTURES === '1';

function resolveSecrets(value: unknown, secrets: StaticSecretSource): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveSecrets(v, secrets));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === 'secret') return secrets.get(String(entries[0][1]));
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveSecrets(v, secrets)]));
  }
  return value;
}

function compare(t: Test, file: URL, actual: string): void {
  if (update) writeFileSync(file, actual);
  t.ok(existsSync(file), `${file.pathname} exists`);
  if (existsSync(file)) t.equal(actual, readFileSync(file, 'utf8'), file.pathname.split('/').pop() ?? '');
}

for (const name of readdirSync(golden).filter((f) => f.endsWith('.json'))) {
  t.test(`golden: ${name.replace(/\.json$/, '')}`, async (t) => {
    const spec = JSON.parse(readFileSync(new URL(name, golden), 'utf8')) as { template: string; vars: unknown; secrets?: Record<string, string> };
    const secrets = new StaticSecretSource(spec.secrets ?? {});
    const source = readFileSync(new URL(spec.template, repo), 'utf8');
    const rendered = renderTemplate(source, spec.template, resolveSecrets(spec.vars, secrets) as VarMap);
    const base = name.replace(/\.json$/, '');
    compare(t, new URL(`${base}.out`, golden), rendered.text);
    compare(t, new URL(`${base}.masked`, golden), rendered.masked);
    for (const value of secrets.knownValues()) t.notOk(rendered.masked.includes(value), 'the masked output has no secret value');
  });
}

t.test('a missing variable is an error naming the template and line, never an empty string', async (t) => {
  t.throws(() => renderTemplate('a\nport = {{ port }}\n', 'x.conf', {}), new TemplateError('x.conf:2: {{port}} is not defined'));
  t.throws(() => renderTemplate('{{# items }}{{ nope }}{{/ items }}', 'x', { items: [{ a: 1 }] }), /x:1: \{\{nope\}\} is not defined/);
});

t.test('lists and mappings cannot be printed as text', async (t) => {
  t.throws(() => renderTemplate('{{ xs }}', 'x', { xs: [1] }), /is a list, not text/);
  t.throws(() => renderTemplate('{{ m }}', 'x', { m: { a: 1 } }), /is a mapping, not text/);
  t.throws(() => renderTemplate('{{ n }}', 'x', { n: null }), /is null, not text/);
});

t.test('unbalanced sections are refused with the line of the opening tag', async (t) => {
  t.throws(() => renderTemplate('a\n{{# xs }}\nb\n', 'x', { xs: [] }), /x:2: \{\{#xs\}\} is never closed/);
  t.throws(() => renderTemplate('{{# xs }}{{/ ys }}', 'x', { xs: [] }), /closes \{\{#xs\}\} of line 1/);
  t.throws(() => renderTemplate('{{/ ys }}', 'x', {}), /closes nothing/);
  t.throws(() => renderTemplate('{{ a b }}', 'x', {}), /bad tag/);
});

t.test('sections iterate lists, show for true, hide for false, empty and empty lists', async (t) => {
  const vars = { xs: [{ n: 1 }, { n: 2 }], yes: true, no: false, empty: '', none: [], word: 'w', names: ['a', 'b'] };
  t.equal(renderTemplate('{{#xs}}<{{n}}>{{/xs}}', 'x', vars).text, '<1><2>');
  t.equal(renderTemplate('{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#none}}Z{{/none}}', 'x', vars).text, 'Y');
  t.equal(renderTemplate('{{^none}}nothing{{/none}}{{^xs}}never{{/xs}}', 'x', vars).text, 'nothing');
  t.equal(renderTemplate('{{#names}}{{.}},{{/names}}', 'x', vars).text, 'a,b,');
  t.equal(renderTemplate('{{#xs}}{{word}}{{/xs}}', 'x', vars).text, 'ww', 'outer names resolve inside a section');
  t.equal(renderTemplate('{{ a.b.c }}', 'x', { a: { b: { c: 'deep' } } }).text, 'deep');
});

t.test('a tag alone on its line leaves no blank line behind', async (t) => {
  const out = renderTemplate('start\n  {{# xs }}\nitem {{ . }}\n  {{/ xs }}\n{{! note }}\nend\n', 'x', { xs: [1, 2] });
  t.equal(out.text, 'start\nitem 1\nitem 2\nend\n');
});

t.test('secrets render as their value for the host and as a label for people', async (t) => {
  const secret = new Secret('api_key', 'k3y-canary-0042');
  const out = renderTemplate('key={{ api_key }}\n', 'x', { api_key: secret });
  t.equal(out.text, 'key=k3y-canary-0042\n');
  t.equal(out.masked, 'key=«secret api_key»\n');
  t.same(out.secrets, [secret]);
});

t.test('a diff of a secret-bearing file shows neither the old nor the new value', async (t) => {
  const secret = new Secret('db_password', 'new-canary-1234');
  const want = renderTemplate('host=db1\npassword={{ db_password }}\n', 'x', { db_password: secret });
  const redactor = new Redactor(['new-canary-1234', 'older-canary-999']);
  const rotated = fileDiff('/etc/x', Buffer.from('host=db0\npassword=old-canary-5678\n'), want, redactor);
  t.notMatch(rotated.diff, /canary/);
  t.match(rotated.diff, /-host=db0\n\+host=db1/);
  t.same(rotated.changedSecrets, ['db_password']);
  // A line of another shape holding a value the source still remembers is redacted too.
  const reshaped = fileDiff('/etc/x', Buffer.from('pass: older-canary-999\n'), want, redactor);
  t.notMatch(reshaped.diff, /canary/);
  t.match(reshaped.diff, /-pass: \*\*\*/);
  t.equal(fileDiff('/etc/x', Buffer.from(want.text), want, redactor).diff, '', 'no diff when equal');
  t.match(fileDiff('/etc/x', Buffer.from([0, 1, 2]), want, redactor).diff, /Binary content/);
});

t.test('crontab schedules are checked before anything reaches a host', async (t) => {
  for (const ok of ['* * * * *', '*/5 * * * *', '15 3 * * 1-5', '0 0 1 jan,jul sun', '0 */2 1-15/3 * 7', '@daily', '@reboot']) {
    t.equal(cronScheduleProblem(ok), null, ok);
  }
  t.match(cronScheduleProblem('* * * *'), /5 fields/);
  t.match(cronScheduleProblem('60 * * * *'), /minute "60" is outside 0-59/);
  t.match(cronScheduleProblem('* 24 * * *'), /hour/);
  t.match(cronScheduleProblem('* * 0 * *'), /day of month "0"/);
  t.match(cronScheduleProblem('* * * 13 *'), /month/);
  t.match(cronScheduleProblem('* * * * 8'), /day of week/);
  t.match(cronScheduleProblem('5-1 * * * *'), /runs backwards/);
  t.match(cronScheduleProblem('*/0 * * * *'), /bad step/);
  t.match(cronScheduleProblem('5/2 * * * *'), /a step needs \* or a range/);
  t.match(cronScheduleProblem('@sometimes'), /unknown schedule macro/);
  t.match(cronScheduleProblem('* * * foo *'), /month "foo"/);
  // Grammar Debian's cron accepts but the job would never run: the schedule engine refuses it.
  t.match(cronScheduleProblem('0 0 31 2 *'), /schedule "0 0 31 2 \*" is refused: Bad day-of-month/);
  t.match(cronScheduleProblem('0 0 1 * 1#5'), /bad|outside/, 'cronsim-only syntax is not Debian cron syntax');
});

t.test('a crontab starts with the managed header and escapes % for cron', async (t) => {
  const out = renderCrontab({ env: { MAILTO: '', PATH: '/usr/bin:/bin' }, jobs: [{ name: 'dump', schedule: '0 3 * * *', command: ['pg_dump > /var/backups/$(date +%F).sql'] }] });
  t.equal(out.text, `${CRONTAB_HEADER}\nMAILTO=""\nPATH=/usr/bin:/bin\n# dump: At 03:00 every day\n0 3 * * * pg_dump > /var/backups/$(date +\\%F).sql\n`);
});

t.test('the sysctl file lists keys sorted', async (t) => {
  t.equal(renderSysctl({ 'vm.swappiness': '10', 'net.core.somaxconn': '4096' }).text.split('\n').slice(1).join('\n'), 'net.core.somaxconn = 4096\nvm.swappiness = 10\n');
});

t.test('the shipped unit templates and ruleset pass the validators apply runs before they go live', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { nftValidator, systemdUnitValidator } = await import('../ops/validators.ts');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-validate-'));
  const vars = { host: { name: 'app1', port: 22 }, ssh_port: 22, heartbeat_minutes: 5, cronwarden_roles: 'web', cronwarden_bin: '/usr/bin/true', wireguard_unit: 'wg-quick@wg0.service', allow_tcp: [{ name: 'http', port: 80 }], allow_udp: [] };
  const cases: [string, string, (tmp: string) => { text: string }][] = [
    ['systemd/cronwarden.service', 'cronwarden.service', systemdUnitValidator('cronwarden.service').command],
    ['systemd/fleet-heartbeat.service', 'fleet-heartbeat.service', systemdUnitValidator('fleet-heartbeat.service').command],
    ['systemd/fleet-heartbeat.timer', 'fleet-heartbeat.timer', systemdUnitValidator('fleet-heartbeat.timer').command],
    ['nftables/base.nft', 'nftables.conf', nftValidator.command],
  ];
  for (const [template, name, validate] of cases) {
    const file = path.join(dir, `.${name}.fleet-test`);
    writeFileSync(file, renderTemplate(readFileSync(new URL(template, repo), 'utf8'), template, vars).text);
    const result = spawnSync('/bin/sh', ['-c', validate(file).text], { encoding: 'utf8' });
    t.equal(result.status, 0, `${template}: ${result.stderr}`);
  }
  const broken = path.join(dir, 'broken');
  writeFileSync(broken, '[Service]\nExecStart=relative/path\n');
  t.not(spawnSync('/bin/sh', ['-c', systemdUnitValidator('x.service').command(broken).text]).status, 0, 'a broken unit is refused');
  writeFileSync(broken, 'table inet x { chain c { tcp dport 99999 accept } }\n');
  t.not(spawnSync('/bin/sh', ['-c', nftValidator.command(broken).text]).status, 0, 'a broken ruleset is refused');
});
