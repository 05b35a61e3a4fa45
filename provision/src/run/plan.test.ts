import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fileFact } from '../facts/files.ts';
import { packagesFact } from '../facts/apt.ts';
import type { Fact } from '../facts/types.ts';
import { sh } from '../shell.ts';
import { batchCommand, splitBatch } from './plan.ts';

const shell = (text: string) => {
  const r = spawnSync('/bin/sh', ['-c', text], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
};

t.test('a batch of facts gives each one exactly the output it gives alone', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-batch-'));
  writeFileSync(path.join(dir, "it's here"), 'line one\nline two\n');
  const noisy: Fact<string> = { key: 'noisy', command: sh`echo out; echo err >&2; exit 3`, parse: (o) => o.stdout };
  const reader: Fact<string> = { key: 'stdin', command: sh`cat`, parse: (o) => o.stdout };
  const facts: Fact<unknown>[] = [fileFact(path.join(dir, "it's here")), fileFact(path.join(dir, 'missing')), packagesFact(['no-such-package-cw']), noisy, reader];
  const batch = shell(batchCommand(facts).text);
  t.equal(batch.exitCode, 0, batch.stderr);
  const outputs = splitBatch(batch.stdout, facts.length);
  t.same(outputs, facts.map((f) => shell(f.command.text)).map((o, i) => (i === 4 ? { ...o, stdout: '' } : o)), 'stdin is closed for every fact');
  t.same(outputs?.[3], { exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
});

t.test('malformed batch output is rejected, not half-parsed', async (t) => {
  t.equal(splitBatch('0 aGk= \n', 2), null, 'too few lines');
  t.equal(splitBatch('x aGk= \n', 1), null, 'no exit code');
  t.same(splitBatch('0  \n', 1), [{ exitCode: 0, stdout: '', stderr: '' }]);
});
