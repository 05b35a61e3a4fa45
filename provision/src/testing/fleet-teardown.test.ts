import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { fleetSkipReason, startFleet } from './fleet.ts';
import { machineSnapshot, runResidue, traceRun, type RunTrace } from './fleet-residue.ts';
import { sshExec } from './fleet-ssh.ts';
import { runLeftovers } from './fleet-world.ts';

const skip = fleetSkipReason();
const CHILD = fileURLToPath(new URL('./fleet-crash-child.ts', import.meta.url));

interface ChildFleet {
  run: string;
  worldPid: number;
  hosts: string[];
}

t.test('a test process killed with SIGKILL leaves nothing of its fleet behind', { skip }, async (t) => {
  const before = machineSnapshot();
  const { child, fleet } = await startCrashChild(t);
  await proveAlive(t, fleet);
  const trace = traceRun(fleet.run, child.pid);
  t.ok(trace.processes.length >= 20, `traced ${trace.processes.length} processes (world, 2 systemd hosts, sessions)`);
  t.ok(trace.namespaces.length >= 10, `traced ${trace.namespaces.length} namespaces`);

  child.kill('SIGKILL');
  t.same(await residueAfter(trace, true), [], 'no process, namespace, mount, cgroup or registry of the run is left');
  t.same(machineSnapshot(), before, 'the machine has the mounts, links and named netns it had before');
});

t.test('SIGKILL to the whole process group kills the world; the next run removes its empty cgroups', { skip }, async (t) => {
  const { child, fleet } = await startCrashChild(t);
  const trace = traceRun(fleet.run, child.pid);
  if (child.pid === undefined) throw new Error('no child pid');
  process.kill(-child.pid, 'SIGKILL'); // the test process and world.sh: no cleanup code runs

  // The directories stay until some run cleans up stale ones: possibly another test's.
  const dead = (await residueAfter(trace, false)).filter((line) => !line.startsWith('directory '));
  t.same(dead, [], 'processes, namespaces and mounts died with the world');

  await startFleet(t, { hosts: [{ name: 'app1' }] });
  t.same(runLeftovers(fleet.run), [], 'the next run removed them');
});

t.test('two fleets at the same time do not see each other', { skip }, async (t) => {
  const [a, b] = await Promise.all([
    startFleet(t, { hosts: [{ name: 'app1' }] }),
    startFleet(t, { hosts: [{ name: 'app1' }, { name: 'db1' }] }),
  ]);
  const [appA, appB] = [a.host('app1'), b.host('app1')];
  t.not(a.run, b.run);
  t.equal(appA.address, appB.address, 'same names and addresses, in separate worlds');
  t.not(appA.hostKey, appB.hostKey);
  t.not(appA.ssh.port, appB.ssh.port);

  await appA.run('echo a > /etc/which-fleet');
  t.equal((await appB.exec('test -e /etc/which-fleet')).code, 1, 'a file written in one is not in the other');
  await t.rejects(sshExec({ ssh: appA.ssh, hostKey: appB.hostKey }, b.operator.privateKey, 'true'), 'ports lead to their own fleet');

  await appA.cutLink();
  t.equal((await sshExec(appB, b.operator.privateKey, 'cat /etc/hostname')).stdout, 'app1\n', 'cutting a host off in one leaves the other');
  await a.stop();
  t.same(runLeftovers(a.run), [], 'stopping one removes it');
  t.equal((await sshExec(b.host('db1'), b.operator.privateKey, 'getent hosts app1')).code, 0, 'and leaves the other running');
});

type Child = ChildProcessByStdio<null, Readable, Readable>;

// Runs fleet-crash-child.ts in its own process group and waits for its fleet to be busy.
async function startCrashChild(t: Test): Promise<{ child: Child; fleet: ChildFleet }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.on('exit', (code) => reject(new Error(`crash child exited with ${code}\n${stderr}`)));
  });
  return { child, fleet: parseChildFleet(line) };
}

function parseChildFleet(line: string): ChildFleet {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null) throw new Error(`bad child output ${line}`);
  const { run, worldPid, hosts } = value as Record<string, unknown>;
  if (typeof run !== 'string' || typeof worldPid !== 'number' || !Array.isArray(hosts)) throw new Error(`bad child output ${line}`);
  return { run, worldPid, hosts: hosts.map(String) };
}

// The child's fleet really is up: reach app1 over SSH from here, through the world's socket.
async function proveAlive(t: Test, fleet: ChildFleet): Promise<void> {
  const state = `/proc/${fleet.worldPid}/root/run/fleet`;
  const key = readFileSync(`${state}/hosts/app1/host_key.pub`, 'utf8');
  const result = await sshExec(
    { ssh: { host: 'unused', port: 0, user: 'root' }, hostKey: key },
    readFileSync(`${state}/op/id_ed25519`, 'utf8'),
    'hostname; systemctl is-active busy',
    { sock: net.connect(`${state}/sock/app1.ssh`) },
  );
  t.equal(result.stdout, 'app1\nactive\n', 'the fleet answers before the kill');
}

// Polls until nothing of the run is left (counting its directories or not), or 60 s have
// passed (usually it takes well under a second; a machine loaded by other work once needed
// more than 20 s); returns what is left then.
async function residueAfter(trace: RunTrace, directories: boolean): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const left = runResidue(trace).filter((line) => directories || !line.startsWith('directory '));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
