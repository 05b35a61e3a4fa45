// `npm test`: type-check, start one throwaway PostgreSQL cluster, run every tap test against it.
// Arguments are passed to tap (for example a test file to run alone).
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startTestCluster } from '../app/src/testing/cluster.ts';

const bin = (name: string) => `node_modules/.bin/${name}`;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// tap compiles its plugin set into its own package; .taprc swaps the TypeScript plugin for
// tsx, so tap must be rebuilt once after every install. A hash of .taprc marks it done.
const marker = 'node_modules/.cronwarden-tap-build';
const wanted = createHash('sha256').update(readFileSync('.taprc')).digest('hex');
if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
  run(bin('tap'), ['build']);
  writeFileSync(marker, wanted);
}

run(bin('tsc'), ['-p', 'tsconfig.json']);

const test = await startTestCluster();
const tap = spawn(bin('tap'), process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, CW_TEST_PG_SOCKET: test.cluster.socketDir },
});
const stopOn = (signal: NodeJS.Signals) => process.on(signal, () => tap.kill(signal));
stopOn('SIGINT');
stopOn('SIGTERM');
const code = await new Promise<number>((resolve) => tap.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await test.stop();
process.exit(code);
