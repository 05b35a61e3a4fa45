// A test process that crashes: fleet-teardown.test.ts runs it and SIGKILLs it while its fleet
// is busy (an SSH session, a command inside a host, forwarders), then proves that nothing of
// the fleet survives. Prints one JSON line, {run, worldPid, hosts}, once all of that is going.
import { startFleet } from './fleet.ts';
import { sshExec } from './fleet-ssh.ts';

// Nobody will call these: the process is killed before it could.
const teardowns: Array<() => void | Promise<void>> = [];
const fleet = await startFleet({ teardown: (fn) => teardowns.push(fn) }, { hosts: [{ name: 'app1' }, { name: 'db1' }] });

const app1 = fleet.host('app1');
void sshExec(app1, fleet.operator.privateKey, 'sleep 600');
void fleet.host('db1').exec('sleep 600');
await fleet.world.forward(app1.address, 22);
await app1.run('systemd-run --unit=busy sleep 600');

// Wait until the SSH session's sleep runs, so the kill lands on a fleet in use.
for (;;) {
  const sessions = await app1.exec(['pgrep', '-x', 'sleep']);
  if (sessions.stdout.trim().split('\n').length >= 2) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`${JSON.stringify({ run: fleet.run, worldPid: fleet.world.pid, hosts: fleet.hosts.map((h) => h.name) })}\n`);
setInterval(() => {}, 60_000);
