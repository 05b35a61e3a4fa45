import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { OUTPUT_LIMIT, runShell } from './runner.ts';

const env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-runner-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Whether a process runs (a zombie waiting to be reaped counts as gone). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    // "pid (comm) S ...": the state follows the last ")".
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pid a command wrote to `file`, killed at teardown if still running. */
function pidFrom(t: { teardown(fn: () => void): void }, file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no pid in ${file}`);
  t.teardown(() => {
    if (running(pid)) process.kill(pid, 'SIGKILL');
  });
  return pid;
}

/** Waits (polling /proc) until `pid` is gone; false if it is still there after `ms`. */
async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; ) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !running(pid);
}

t.test('exit codes and signals are reported as they are', async (t) => {
  t.match(await runShell('exit 0', { env, timeoutMs: 10_000 }), { code: 0, signal: null, timedOut: false, aborted: false });
  t.match(await runShell('exit 7', { env, timeoutMs: 10_000 }), { code: 7, signal: null });
  t.match(await runShell('kill -TERM $$', { env, timeoutMs: 10_000 }), { code: null, signal: 'SIGTERM', timedOut: false });
});

t.test('the output kept is the last 4 KiB of stdout and stderr', async (t) => {
  const result = await runShell('head -c 10000 /dev/zero | tr "\\0" x; echo; echo the end >&2; exit 1', { env, timeoutMs: 10_000 });
  t.equal(result.code, 1);
  t.equal(Buffer.byteLength(result.output), OUTPUT_LIMIT);
  t.match(result.output, /x+\nthe end\n$/);
});

t.test('at the deadline the whole process group is killed, children included', async (t) => {
  const dir = tempDir(t);
  const result = await runShell(`sleep 300 & echo $! > ${dir}/child; sleep 300`, { env, timeoutMs: 300 });
  t.match(result, { timedOut: true, aborted: false, code: null, signal: 'SIGTERM' });
  t.ok(await gone(pidFrom(t, `${dir}/child`)), 'the background child is gone too');
});

t.test('a command that ignores SIGTERM is killed with SIGKILL after the grace period', async (t) => {
  const dir = tempDir(t);
  const result = await runShell(`trap "" TERM; sleep 300 & echo $! > ${dir}/child; wait`, { env, timeoutMs: 300, killGraceMs: 300 });
  t.match(result, { timedOut: true, signal: 'SIGKILL' });
  t.ok(await gone(pidFrom(t, `${dir}/child`)));
});

t.test('aborting the signal (engine shutdown) kills the group and says so', async (t) => {
  const dir = tempDir(t);
  const controller = new AbortController();
  const run = runShell(`sleep 300 & echo $! > ${dir}/child; sleep 300`, { env, timeoutMs: 60_000, signal: controller.signal });
  // Abort once the child exists, so the kill has something to reach.
  for (let i = 0; i < 500 && !/^\d+\n$/.test(existsSync(`${dir}/child`) ? readFileSync(`${dir}/child`, 'utf8') : ''); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  controller.abort();
  t.match(await run, { aborted: true, timedOut: false });
  t.ok(await gone(pidFrom(t, `${dir}/child`)));
  const already = new AbortController();
  already.abort();
  t.match(await runShell('sleep 300', { env, timeoutMs: 60_000, signal: already.signal }), { aborted: true });
});

t.test('a job the command leaves in the background is not waited for, nor killed', async (t) => {
  const dir = tempDir(t);
  // The background job keeps the output pipes open; the result must not wait for it.
  const result = await runShell(`sleep 300 & echo $! > ${dir}/child; echo started`, { env, timeoutMs: 60_000 });
  t.match(result, { code: 0, timedOut: false, output: 'started\n' });
  t.ok(running(pidFrom(t, `${dir}/child`)), 'still running, as it would under cron');
});

t.test('the environment is exactly the one given', async (t) => {
  process.env.CW_RUNNER_SECRET = 'x';
  t.teardown(() => {
    delete process.env.CW_RUNNER_SECRET;
  });
  const dir = tempDir(t);
  await runShell(`env -0 > ${dir}/env`, { env: { PATH: '/usr/bin:/bin', ONLY: 'this' }, timeoutMs: 10_000 });
  // tap's process-info hook adds its own variables (long, some spanning lines) to every child a
  // test spawns; dash adds PWD.
  const names = readFileSync(`${dir}/env`, 'utf8').split('\0').filter(Boolean).map((entry) => entry.slice(0, entry.indexOf('='))).filter((name) => !name.startsWith('_TAPJS_') && name !== 'NODE_OPTIONS');
  t.same(names.sort(), ['ONLY', 'PATH', 'PWD']);
});

t.test('a command that cannot be started rejects', async (t) => {
  await t.rejects(runShell('true', { env, timeoutMs: 1000, cwd: '/nonexistent-cw-dir' }), { code: 'ENOENT' });
});
