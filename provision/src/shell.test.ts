import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { Secret } from './secrets.ts';
import { asArgument, join, quote, sh } from './shell.ts';

const hostile: string[] = JSON.parse(readFileSync(new URL('./fixtures/hostile-strings.json', import.meta.url), 'utf8'));
const shells = ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s));

/** What a real shell passes to a command for `line`: the arguments, split on NUL. */
function argsSeenBy(shell: string, line: string): string[] {
  const result = spawnSync(shell, ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${shell} failed on ${line}: ${result.stderr}`);
  return result.stdout.split('\0').slice(0, -1);
}

t.test('every hostile string reaches the command as exactly one unchanged argument', async (t) => {
  for (const shell of shells) {
    for (const value of hostile) {
      const command = sh`${value}`;
      t.same(argsSeenBy(shell, command.text), [value], `${shell}: ${JSON.stringify(value)}`);
    }
  }
  t.notOk(existsSync('/tmp/cw-pwned'), 'no hostile string ran a command');
});

t.test('all hostile strings together stay one argument each', async (t) => {
  for (const shell of shells) t.same(argsSeenBy(shell, sh`${hostile}`.text), hostile);
});

t.test('a quoted command nested in sh -c keeps every argument intact', async (t) => {
  const inner = sh`printf '%s\\0' ${hostile}`;
  const outer = sh`sh -c ${asArgument(inner)}`;
  const result = spawnSync('/bin/sh', ['-c', outer.text], { encoding: 'utf8' });
  t.same(result.stdout.split('\0').slice(0, -1), hostile);
});

t.test('safe words stay readable and everything else is single-quoted', async (t) => {
  t.equal(quote('nginx.service'), 'nginx.service');
  t.equal(quote('/etc/app/app.conf'), '/etc/app/app.conf');
  t.equal(quote('two words'), `'two words'`);
  t.equal(quote(''), `''`);
  t.equal(quote("it's"), `'it'\\''s'`);
  t.equal(quote('a=b'), `'a=b'`, 'an assignment-looking word is quoted');
  t.equal(quote('~root'), `'~root'`, 'tilde expansion is prevented');
});

t.test('a NUL byte is refused rather than silently truncated', async (t) => {
  t.throws(() => sh`echo ${'a\0b'}`, /NUL/);
});

t.test('non-string values are refused at run time too', async (t) => {
  t.throws(() => sh`echo ${Number.NaN}`, /cannot put NaN/);
  t.throws(() => sh`echo ${null as unknown as string}`, /cannot put a object/);
  t.throws(() => sh`echo ${undefined as unknown as string}`, /cannot put a undefined/);
  t.equal(sh`sleep ${2}`.text, 'sleep 2');
});

t.test('a secret is quoted in the text sent to the host and masked everywhere else', async (t) => {
  const secret = new Secret('db_password', "pa$$ 'word");
  const command = sh`printf %s ${secret} | chpasswd`;
  t.equal(command.display, 'printf %s *** | chpasswd');
  t.equal(String(command), command.display);
  t.equal(JSON.stringify({ command }), '{"command":"printf %s *** | chpasswd"}');
  t.ok(command.hasSecret);
  t.same(argsSeenBy('/bin/sh', sh`${secret}`.text), ["pa$$ 'word"]);
  const nested = sh`sudo -n -- sh -c ${asArgument(command)}`;
  t.notMatch(nested.display, /word/);
  t.match(nested.text, /word/);
});

t.test('commands compose: spliced as shell, joined with operators', async (t) => {
  const a = sh`mkdir -p ${'/var/lib/x y'}`;
  const b = sh`chmod ${'0755'} ${'/var/lib/x y'}`;
  t.equal(join([a, b], '&&').text, "mkdir -p '/var/lib/x y' && chmod 0755 '/var/lib/x y'");
  t.equal(join([], '&&').text, 'true');
  t.equal(sh`test -d ${'/x'} || ${a}`.text, "test -d /x || mkdir -p '/var/lib/x y'");
  t.equal(sh`apt-get install -y -- ${[]}`.text, 'apt-get install -y -- ');
});
