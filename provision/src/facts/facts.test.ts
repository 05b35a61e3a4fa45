import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { plain } from '../testing-json.ts';
import { packagesFact } from './apt.ts';
import { crontabFact } from './crontab.ts';
import { fileFact } from './files.ts';
import { nftTableFact } from './nftables.ts';
import { sysctlFact } from './sysctl.ts';
import { unitFact } from './systemd.ts';
import { FactError, type CommandOutput, type Fact } from './types.ts';
import { groupFact, userFact } from './users.ts';

// One factory per fixture folder (facts/fixtures/<area>.<name>/<case>.json).
const factories: Record<string, (args: unknown[]) => Fact<unknown>> = {
  'files.file': ([path]) => fileFact(String(path)),
  'apt.packages': ([names]) => packagesFact(names as string[]),
  'users.user': ([name]) => userFact(String(name)),
  'users.group': ([name]) => groupFact(String(name)),
  'systemd.unit': ([unit]) => unitFact(String(unit)),
  'sysctl.values': ([keys]) => sysctlFact(keys as string[]),
  'crontab.crontab': ([user]) => crontabFact(String(user)),
  'nftables.table': ([family, name]) => nftTableFact(String(family), String(name)),
};

interface FactFixture {
  args: unknown[];
  /** The exact command, when the output was recorded by running it. */
  command?: string;
  output: CommandOutput;
  fact?: unknown;
  /** Start of the FactError message, for output the parser must refuse. */
  error?: string;
}

const root = new URL('./fixtures/', import.meta.url);
const folders = readdirSync(root);

t.test('every fixture folder has a fact factory', async (t) => {
  t.same(folders.filter((f) => !(f in factories)), []);
});

for (const folder of folders) {
  for (const file of readdirSync(new URL(`${folder}/`, root))) {
    t.test(`${folder}: ${file.replace(/\.json$/, '')}`, async (t) => {
      const fixture = JSON.parse(readFileSync(new URL(`${folder}/${file}`, root), 'utf8')) as FactFixture;
      const fact = factories[folder]?.(fixture.args);
      if (!fact) throw new Error(`no factory for ${folder}`);
      if (fixture.command !== undefined) t.equal(fact.command.text, fixture.command, 'the command is the one recorded');
      if (fixture.error !== undefined) {
        const error = t.throws(() => fact.parse(fixture.output)) as Error;
        t.type(error, FactError);
        t.ok(error.message.startsWith(fixture.error), error.message);
      } else {
        t.same(plain(fact.parse(fixture.output)), fixture.fact);
      }
    });
  }
}
