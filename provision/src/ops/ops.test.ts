// Operation fixtures: ops/fixtures/<area>.<name>/<case>.json hold the wanted state, the facts
// read from the host, and exactly the steps expected (or the refusal). `null` steps: nothing
// to do. CW_UPDATE_FIXTURES=1 rewrites the expectations (review the diff before committing).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import type { VarMap } from '../inventory/types.ts';
import { renderTemplate, type Rendered } from '../render/template.ts';
import { Redactor, StaticSecretSource } from '../secrets.ts';
import { plain, revive } from '../testing-json.ts';
import { packagesOperation } from './apt.ts';
import { crontabOperation } from './crontab.ts';
import { directoryOperation, fileOperation } from './files.ts';
import { nftablesOperation } from './nftables.ts';
import { sysctlOperation } from './sysctl.ts';
import { unitOperation } from './systemd.ts';
import { Refusal, type Change, type Operation, type PlanContext, type Step } from './types.ts';
import { groupOperation, userOperation } from './users.ts';
import { validatorFor } from './validators.ts';

type Want = Record<string, unknown>;

interface OpFixture {
  want: Want;
  have: Record<string, unknown>;
  context?: { notified?: Record<string, { restart?: string[]; reload?: string[] }>; adopt?: boolean; secrets?: Record<string, string> };
  expected?: { summary: string[]; diff?: string; steps: unknown[] } | null;
  refusal?: string;
}

/** Resolves `{ secret: name }` in fixture variables. */
function vars(value: unknown, secrets: StaticSecretSource): unknown {
  if (Array.isArray(value)) return value.map((v) => vars(v, secrets));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === 'secret') return secrets.get(String(entries[0][1]));
    return Object.fromEntries(entries.map(([k, v]) => [k, vars(v, secrets)]));
  }
  return value;
}

function content(want: Want, secrets: StaticSecretSource): Rendered {
  if (typeof want.content === 'string') return { text: want.content, masked: want.content, secrets: [] };
  return renderTemplate(String(want.template), 'fixture', vars(want.vars ?? {}, secrets) as VarMap);
}

const factories: Record<string, (want: Want, secrets: StaticSecretSource) => Operation> = {
  'files.file': (w, s) =>
    fileOperation({ path: String(w.path), content: content(w, s), mode: String(w.mode), owner: String(w.owner), group: String(w.group), validate: validatorFor(String(w.path)), notify: (w.notify ?? []) as never }) as unknown as Operation,
  'files.directory': (w) => directoryOperation({ path: String(w.path), mode: String(w.mode), owner: String(w.owner), group: String(w.group) }) as unknown as Operation,
  'apt.packages': (w) => packagesOperation(w.names as string[]) as unknown as Operation,
  'users.user': (w) => userOperation(w as never) as unknown as Operation,
  'users.group': (w) => groupOperation(w as never) as unknown as Operation,
  'systemd.unit': (w, s) =>
    unitOperation({ name: String(w.name), content: w.content === null ? null : content(w, s), enabled: Boolean(w.enabled), running: Boolean(w.running), reloadable: Boolean(w.reloadable), settle: Number(w.settle ?? 0) }) as unknown as Operation,
  'sysctl.values': (w) => sysctlOperation(w.values as Record<string, string>) as unknown as Operation,
  'crontab.crontab': (w, s) => crontabOperation(String(w.user), vars({ env: w.env ?? {}, jobs: w.jobs }, s) as never) as unknown as Operation,
  'nftables.rules': (w, s) => nftablesOperation({ content: content(w, s), family: String(w.family), table: String(w.table) }) as unknown as Operation,
};

/** A step as fixture JSON: commands as the exact text sent, uploads by their attributes. */
function stepJson(step: Step): unknown {
  if (step.kind === 'upload') {
    return { upload: step.path, mode: step.mode, owner: `${step.owner}:${step.group}`, validate: step.validate?.command('TMP').text ?? null, keepPrevious: step.keepPrevious, content: step.content.toString('utf8') };
  }
  return {
    run: step.command.text,
    ...(step.stdin ? { stdin: step.stdin.toString('utf8') } : {}),
    ...(step.expect ? { expect: step.expect.stdout } : {}),
  };
}

function changeJson(change: Change | null): OpFixture['expected'] {
  if (change === null) return null;
  return { summary: [...change.summary], ...(change.diff ? { diff: change.diff } : {}), steps: change.steps.map(stepJson) };
}

const root = new URL('./fixtures/', import.meta.url);
const update = process.env.CW_UPDATE_FIXTURES === '1';

for (const folder of readdirSync(root)) {
  for (const file of readdirSync(new URL(`${folder}/`, root))) {
    t.test(`${folder}: ${file.replace(/\.json$/, '')}`, async (t) => {
      const url = new URL(`${folder}/${file}`, root);
      const fixture = JSON.parse(readFileSync(url, 'utf8')) as OpFixture;
      const secrets = new StaticSecretSource(fixture.context?.secrets ?? {});
      const factory = factories[folder];
      if (!factory) throw new Error(`no factory for ${folder}`);
      const op = factory(fixture.want, secrets);
      const notified = new Map(Object.entries(fixture.context?.notified ?? {}).map(([unit, n]) => [unit, { restart: n.restart ?? [], reload: n.reload ?? [] }]));
      const ctx: PlanContext = { notified, adopt: fixture.context?.adopt ?? false, redactor: new Redactor(secrets.knownValues()) };
      const have = revive(fixture.have) as Record<string, unknown>;
      let actual: Pick<OpFixture, 'expected' | 'refusal'>;
      try {
        actual = { expected: changeJson(op.plan(have, ctx)) };
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        actual = { refusal: error.message };
      }
      if (update) {
        const { expected: _e, refusal: _r, ...rest } = fixture;
        writeFileSync(url, `${JSON.stringify({ ...rest, ...actual }, null, 2)}\n`);
      }
      t.same(plain(actual), 'refusal' in fixture ? { refusal: fixture.refusal } : { expected: fixture.expected });
      // No secret value may appear in anything a plan shows.
      const shown = JSON.stringify({ summary: actual.expected?.summary, diff: actual.expected?.diff, refusal: actual.refusal });
      for (const value of secrets.knownValues()) t.notOk(shown.includes(value), 'no secret value in the summary or diff');
    });
  }
}

t.test('validators are chosen by path; unit drop-ins are not checked as units', async (t) => {
  t.equal(validatorFor('/etc/systemd/system/app.service')?.name, 'systemd-analyze verify');
  t.equal(validatorFor('/etc/systemd/system/app.service.d/override.conf'), null);
  t.equal(validatorFor('/etc/haproxy/haproxy.cfg')?.name, 'haproxy -c');
  t.equal(validatorFor('/etc/ssh/sshd_config.d/fleet.conf')?.name, 'sshd -t');
  t.equal(validatorFor('/etc/nftables.conf')?.name, 'nft -c');
  t.equal(validatorFor('/etc/sudoers.d/deploy')?.name, 'visudo -c');
  t.equal(validatorFor('/etc/cronwarden/app.conf'), null);
});
