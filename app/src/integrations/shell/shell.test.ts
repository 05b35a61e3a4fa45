import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { summaryFacts, testNotice, testSendContext } from '../testing.ts';
import { TransportError } from '../types.ts';
import { shell } from './index.ts';
import { commandEnvironment, quoteShell, shellCommand } from './message.ts';
import { findUnsafePlaceholder } from './template.ts';

const ENABLED = { SHELL_ENABLED: 'true' };
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const templates = fixture('templates.json') as Array<{ template: string; unsafe: { placeholder: string; context: string } | null }>;
const hostile = fixture('hostile-names.json') as { names: string[]; tags: string[] };

function tempDir(t: Parameters<typeof testSendContext>[0]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-shell-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('values are quoted as Python\'s shlex.quote does', async (t) => {
  const cases: Array<[string, string]> = [
    ['', "''"],
    ['backups', 'backups'],
    ['a@b%c+d=e:f,g./h-i_j', 'a@b%c+d=e:f,g./h-i_j'],
    ['two words', "'two words'"],
    ["it's", `'it'"'"'s'`],
    ['ä', "'ä'"],
    ['$HOME', "'$HOME'"],
    ['*', "'*'"],
  ];
  for (const [value, quoted] of cases) t.equal(quoteShell(value), quoted, JSON.stringify(value));
});

t.test('the command has Healthchecks\' placeholders, quoted, replaced once', async (t) => {
  const notice = testNotice({ facts: { check: { ...summaryFacts().check, name: "Bob's $TAG1", tags: 'prod  db' } } });
  t.equal(
    shellCommand('alert --id=$CODE --status=$STATUS --at=$NOW --name=$NAME --tags=$TAGS $TAG1 $TAG2 $TAG3', notice),
    `alert --id=6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90 --status=down --at=2026-01-15T11:10:00+00:00 --name='Bob'"'"'s $TAG1' --tags='prod  db' prod db $TAG3`,
  );
  const up = testNotice({ facts: { status: 'up', reason: '' } });
  t.equal(shellCommand('echo $STATUS', { ...up, direction: 'up' }), 'echo up');
});

t.test('placeholders carrying user text are refused where quoting cannot protect them', async (t) => {
  for (const { template, unsafe } of templates) {
    const found = findUnsafePlaceholder(template);
    t.same(found === null ? null : { placeholder: found.placeholder, context: found.context }, unsafe, template);
  }
});

t.test('settings: a command per direction, checked when saved', async (t) => {
  t.same(shell.parseConfig({ cmd_down: ' notify $NAME ', ignored: 1 }), { cmd_down: 'notify $NAME', cmd_up: '' });
  const once = shell.parseConfig({ cmd_down: 'a $NAME', cmd_up: 'b $STATUS', reminder_interval: 3600 });
  t.same(shell.parseConfig(once), once);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^cmd_down or cmd_up must be set$/],
    [{ cmd_down: '   ' }, /^cmd_down or cmd_up must be set$/],
    [{ cmd_down: 5 }, /^cmd_down must be a string$/],
    [{ cmd_up: 'x'.repeat(1001) }, /^cmd_up is too long \(at most 1000 characters\)$/],
    [{ cmd_up: 'echo a\0b' }, /^cmd_up must not contain NUL characters$/],
    [{ cmd_down: 'echo "$NAME"' }, /^cmd_down: \$NAME stands in double quotes \(at character 7\); write it unquoted/],
    [{ cmd_up: "logger '$TAG1'" }, /^cmd_up: \$TAG1 stands in single quotes/],
  ];
  for (const [raw, message] of cases) t.throws(() => shell.parseConfig(raw), message, JSON.stringify(raw));
  const upOnly = shell.open({ cmd_up: 'true' });
  t.same([upOnly.isNoop('down'), upOnly.isNoop('up')], [true, false]);
});

t.test('no check name or tag can run a command: each reaches /bin/sh as one literal word', async (t) => {
  const dir = tempDir(t);
  const mark = path.join(dir, 'pwned');
  const out = path.join(dir, 'out');
  const ctx = testSendContext(t, ENABLED);
  const channel = shell.open({ cmd_down: `printf '%s\\n' $NAME $TAGS $TAG1 $TAG2 $TAG3 $TAG4 $TAG5 > ${out}` });
  const tags = hostile.tags.map((tag) => tag.replaceAll('MARK', mark));
  for (const template of hostile.names) {
    const name = template.replaceAll('MARK', mark);
    const notice = testNotice({ facts: { check: { ...summaryFacts().check, name, tags: tags.join(' ') } } });
    await channel.send(notice, ctx);
    t.equal(readFileSync(out, 'utf8'), [name, tags.join(' '), ...tags].join('\n') + '\n', JSON.stringify(name));
    t.notOk(existsSync(mark), `nothing ran for ${JSON.stringify(name)}`);
  }
});

t.test('a non-zero exit is a retryable "Command returned exit code N"; exit 0 is success', async (t) => {
  const ctx = testSendContext(t, ENABLED);
  await shell.open({ cmd_down: 'test $STATUS = down' }).send(testNotice(), ctx);
  const error = await shell.open({ cmd_down: 'echo failing >&2; exit 3' }).send(testNotice(), ctx).catch((e: unknown) => e);
  t.type(error, TransportError);
  t.match(error, { message: 'Command returned exit code 3', permanent: false });
  await t.rejects(shell.open({ cmd_down: 'kill -KILL $$' }).send(testNotice(), ctx), { message: 'Command was killed by signal SIGKILL' });
  await t.rejects(shell.open({ cmd_down: 'no-such-command-cw' }).send(testNotice(), ctx), { message: 'Command returned exit code 127' });
});

t.test('a command past SHELL_TIMEOUT is killed and reported', async (t) => {
  const ctx = testSendContext(t, { ...ENABLED, SHELL_TIMEOUT: '1' });
  await t.rejects(shell.open({ cmd_down: 'sleep 30' }).send(testNotice(), ctx), { message: 'Command timed out after 1 second', permanent: false });
});

t.test('SHELL_ENABLED=false (the default) runs nothing', async (t) => {
  const dir = tempDir(t);
  const channel = shell.open({ cmd_down: `touch ${dir}/ran` });
  await t.rejects(channel.send(testNotice(), testSendContext(t)), { message: 'Shell commands are not enabled', permanent: false });
  t.notOk(existsSync(path.join(dir, 'ran')));
});

t.test('the command gets a clean environment with the notification\'s idempotency key, nothing of ours', async (t) => {
  const dir = tempDir(t);
  process.env.CW_TEST_SECRET = 'must-not-leak';
  t.teardown(() => {
    delete process.env.CW_TEST_SECRET;
  });
  await shell.open({ cmd_down: `env -0 > ${dir}/env; pwd > ${dir}/pwd` }).send(testNotice(), testSendContext(t, ENABLED));
  const entries = readFileSync(path.join(dir, 'env'), 'utf8').split('\0').filter(Boolean);
  const env = Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  // tap's process-info hook adds its own variables (some spanning lines) to every child a test spawns.
  const ours = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('_TAPJS_') && name !== 'NODE_OPTIONS'));
  t.same(ours, { ...commandEnvironment(testNotice(), os.userInfo()), PWD: '/' });
  t.notOk('CW_TEST_SECRET' in env);
  t.equal(env.CRONWARDEN_IDEMPOTENCY_KEY, testNotice().code);
  t.equal(readFileSync(path.join(dir, 'pwd'), 'utf8'), '/\n');
});
