import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fingerprint, fleetSkipReason, startFleet } from './fleet.ts';
import { runLeftovers } from './fleet-world.ts';
import { checkFleetSpecs } from './fleet-spec.ts';
import { sshExec } from './fleet-ssh.ts';

const skip = fleetSkipReason();

t.test('host specs get defaults, and every problem is reported at once', async (t) => {
  t.same(checkFleetSpecs([{ name: 'lb', address: '10.66.0.11' }, { name: 'app1', roles: ['app'] }, { name: 'db1', user: 'deploy' }]), [
    { name: 'lb', roles: [], address: '10.66.0.11', user: 'root' },
    { name: 'app1', roles: ['app'], address: '10.66.0.12', user: 'root' },
    { name: 'db1', roles: [], address: '10.66.0.13', user: 'deploy' },
  ]);
  t.throws(
    () =>
      checkFleetSpecs([
        { name: 'App1' },
        { name: 'db1', address: '10.66.0.1' },
        { name: 'db1', address: '192.168.1.4', user: 'Bad User' },
        { name: 'a-very-long-name' },
      ]),
    {
      message: [
        'fleet: bad hosts:',
        '  hosts[0]: name "App1" is not [a-z][a-z0-9-] of at most 12',
        '  hosts[1]: address "10.66.0.1" is not 10.66.0.2 to 10.66.0.254',
        '  hosts[2]: name "db1" is used twice',
        '  hosts[2]: user "Bad User" is not a valid user name',
        '  hosts[2]: address "192.168.1.4" is not 10.66.0.2 to 10.66.0.254',
        '  hosts[3]: name "a-very-long-name" is not [a-z][a-z0-9-] of at most 12',
      ].join('\n'),
    },
  );
  t.throws(() => checkFleetSpecs([]), { message: 'fleet: bad hosts:\n  no hosts' });
});

t.test('a fleet of three hosts', { skip }, async (t) => {
  const fleet = await startFleet(t, {
    hosts: [{ name: 'lb', roles: ['lb'] }, { name: 'app1', roles: ['app'] }, { name: 'db1', roles: ['db'], user: 'deploy' }],
  });

  t.test('every host runs systemd as PID 1 and answers ssh2 with the key the inventory names', async (t) => {
    for (const host of fleet.inventory().hosts) {
      const result = await sshExec(host, fleet.operator.privateKey, 'hostname; cat /proc/1/comm; systemctl is-system-running; id -un');
      t.equal(result.code, 0, `${host.name}: ${result.stderr}`);
      t.same(result.stdout.split('\n'), [host.name, 'systemd', 'running', host.ssh.user, ''], host.name);
    }
  });

  t.test('a host presenting another key is refused by the check the helper makes', async (t) => {
    const [lb, app1] = fleet.hosts;
    if (!lb || !app1) throw new Error('hosts missing');
    await t.rejects(sshExec({ ssh: lb.ssh, hostKey: app1.hostKey }, fleet.operator.privateKey, 'true'));
  });

  t.test('the inventory is plain data: addresses, ports, users, roles, host keys', async (t) => {
    const inventory = fleet.inventory();
    t.same(JSON.parse(JSON.stringify(inventory)), inventory);
    t.same(
      inventory.hosts.map((h) => [h.name, h.roles, h.address, h.ssh.host, h.ssh.user]),
      [
        ['lb', ['lb'], '10.66.0.11', '127.0.0.1', 'root'],
        ['app1', ['app'], '10.66.0.12', '127.0.0.1', 'root'],
        ['db1', ['db'], '10.66.0.13', '127.0.0.1', 'deploy'],
      ],
    );
    t.equal(new Set(inventory.hosts.map((h) => h.ssh.port)).size, 3, 'one port per host');
    t.match(inventory.operator.publicKey, /^ssh-ed25519 /);
    t.match(fleet.knownHosts(), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${inventory.hosts[0]?.ssh.port} ssh-ed25519 `));
    for (const host of fleet.hosts) {
      const printed = await host.run(['ssh-keygen', '-lf', '/etc/ssh/ssh_host_ed25519_key.pub']);
      t.equal(printed.split(' ')[1], host.hostKeyFingerprint, `${host.name}: the fingerprint ssh-keygen prints`);
      t.equal(fingerprint(host.hostKey), host.hostKeyFingerprint);
    }
  });

  t.test('OpenSSH run with spawnSync reaches a host through its port and checks it against knownHosts()', async (t) => {
    // The port's forwarder is a process of its own: a blocked event loop here does not matter.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-fleet-test-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'known_hosts'), fleet.knownHosts());
    const lb = fleet.host('lb');
    const options = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null'];
    const ssh = spawnSync(
      'ssh',
      [...options, '-o', `UserKnownHostsFile=${dir}/known_hosts`, '-i', fleet.operator.privateKeyPath, '-p', String(lb.ssh.port), `${lb.ssh.user}@${lb.ssh.host}`, 'hostname'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    t.equal(ssh.stdout, 'lb\n', ssh.stderr);
  });

  t.test('the sudo user becomes root without a password', async (t) => {
    const db1 = fleet.host('db1');
    const result = await sshExec(db1, fleet.operator.privateKey, 'sudo -n id -u');
    t.equal(result.stdout, '0\n', result.stderr);
    t.equal((await db1.exec('test -e /root/.ssh/authorized_keys')).code, 1, 'root has no key on a sudo host');
  });

  t.test('ssh2 also connects through the socket connectSsh() gives', async (t) => {
    const app1 = fleet.host('app1');
    const result = await sshExec(app1, fleet.operator.privateKey, 'hostname', { sock: app1.connectSsh() });
    t.equal(result.stdout, 'app1\n');
  });

  t.test('hosts are separate machines on one network with no route off it', async (t) => {
    const ids = await Promise.all(fleet.hosts.map((h) => h.run('cat /etc/machine-id')));
    t.equal(new Set(ids).size, 3, 'one machine-id each');
    await fleet.host('app1').run('echo marked > /etc/fleet-marker');
    t.equal(existsSync('/etc/fleet-marker'), false, 'a write in a host stays out of the machine');
    t.equal((await fleet.host('db1').exec('test -e /etc/fleet-marker')).code, 1, 'and out of the other hosts');
    t.equal(await fleet.host('app1').run('cat /etc/fleet-marker'), 'marked\n');
    t.equal(await fleet.host('app1').run(['findmnt', '-no', 'FSTYPE', '/']), 'overlay\n');

    const banner = await fleet.host('app1').run(`bash -c 'exec 3<>/dev/tcp/db1/22; head -c 8 <&3'`);
    t.equal(banner, 'SSH-2.0-', 'hosts reach each other by name');
    for (const target of [fleet.host('app1'), fleet.world]) {
      t.equal((await target.run(['ip', 'route', 'show', 'default'])).trim(), '', 'no default route');
      const out = await target.exec(`bash -c 'exec 3<>/dev/tcp/192.0.2.1/80'`, { timeoutMs: 5000 });
      t.match(out.stderr, /Network is unreachable/);
    }
  });

  t.test('the world forwards a port on 127.0.0.1 to a service inside the fleet', async (t) => {
    const app1 = fleet.host('app1');
    await app1.run(['systemd-run', '--unit=hello', 'socat', 'TCP-LISTEN:7000,fork,reuseaddr', 'SYSTEM:echo hello from app1']);
    const { host, port } = await fleet.world.forward(app1.address, 7000);
    t.equal(await readAll(host, port), 'hello from app1\n');
    t.same(await fleet.world.forward(app1.address, 7000), { host, port }, 'one forwarder per target');
    await t.rejects(fleet.world.forward('8.8.8.8', 53), /cannot forward/);
  });

  t.test('a host can be stopped, killed, cut off and brought back on the same disk', async (t) => {
    const app1 = fleet.host('app1');
    await app1.run('echo kept > /var/tmp/kept');

    await app1.stop();
    t.equal(app1.isRunning(), false, 'stopped');
    await t.rejects(sshExec(app1, fleet.operator.privateKey, 'true', { readyTimeoutMs: 1000 }));
    await t.rejects(app1.exec('true'), /host app1 is not running/);
    await app1.start();
    t.equal(await app1.run('cat /var/tmp/kept'), 'kept\n', 'the disk survives a power-off');

    await app1.kill();
    t.equal(app1.isRunning(), false, 'killed');
    await app1.start();
    t.equal((await sshExec(app1, fleet.operator.privateKey, 'cat /var/tmp/kept')).stdout, 'kept\n');

    await app1.cutLink();
    await t.rejects(sshExec(app1, fleet.operator.privateKey, 'true', { readyTimeoutMs: 1500 }), /Timed out/);
    t.equal((await sshExec(fleet.host('lb'), fleet.operator.privateKey, 'true')).code, 0, 'the others stay reachable');
    await app1.restoreLink();
    t.equal((await sshExec(app1, fleet.operator.privateKey, 'hostname')).stdout, 'app1\n');
  });

  t.test('host() names the hosts there are when asked for one that is not', async (t) => {
    t.throws(() => fleet.host('db2'), { message: `fleet ${fleet.run}: no host db2 (hosts: lb, app1, db1)` });
  });
});

t.test('a fleet whose host cannot boot fails with a clear message and leaves nothing', { skip }, async (t) => {
  const error = await startFleet(t, { hosts: [{ name: 'app1' }], readyTimeoutMs: 1 }).then(
    () => null,
    (e: unknown) => (e instanceof Error ? e : null),
  );
  const run = /^fleet (t\d+-\w+): host app1 not ready: /.exec(error?.message ?? '')?.[1];
  if (run === undefined) throw new Error(`unexpected outcome: ${error?.message}`);
  t.same(runLeftovers(run), [], 'the world was taken down before the error reached the test');
});

function readAll(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    net
      .connect(port, host)
      .on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
}
