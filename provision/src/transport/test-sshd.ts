// A real OpenSSH server for transport tests, on 127.0.0.1 and a free port. Each connection runs
// `sshd -i` (inetd mode: no port of its own) in a private mount namespace whose /etc/passwd,
// /etc/group, /etc/shadow and /etc/sudoers.d add two test users: `cwsudo` (NOPASSWD sudo) and
// `cwplain` (no sudo). Nothing on the machine itself changes. Needs root and openssh-server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Host } from '../inventory/types.ts';
import { parsePublicKey, type PublicKey } from './hostkeys.ts';

export const SUDO_UID = 4242;
export const PLAIN_UID = 4243;

export interface TestSshd {
  readonly address: string;
  readonly port: number;
  readonly hostKey: PublicKey;
  /** Private key accepted for root, cwsudo and cwplain. */
  readonly identityFile: string;
  /** A scratch folder the tests may write into (owned by root, mode 0755). */
  readonly dir: string;
  /** A Host for `user` (root by default) pinned to the right key. */
  host(overrides?: Partial<Host>): Host;
}

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

function keygen(file: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cronwarden-test', '-f', file]);
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

/** Starts the server; it stops at teardown. */
export async function startTestSshd(t: TestLike): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-sshd-'));
  chmodSync(dir, 0o755);
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'user_key'));
  const etc = path.join(dir, 'etc');
  mkdirSync(path.join(etc, 'sudoers.d'), { recursive: true });
  for (const f of ['passwd', 'group', 'shadow']) copyFileSync(`/etc/${f}`, path.join(etc, f));
  for (const [name, uid] of [['cwsudo', SUDO_UID], ['cwplain', PLAIN_UID]] as const) {
    const home = path.join(dir, 'home', name);
    mkdirSync(home, { recursive: true });
    chownSync(home, uid, uid);
    appendFileSync(path.join(etc, 'passwd'), `${name}:x:${uid}:${uid}:test:${home}:/bin/sh\n`);
    appendFileSync(path.join(etc, 'group'), `${name}:x:${uid}:\n`);
    appendFileSync(path.join(etc, 'shadow'), `${name}:*:19000:0:99999:7:::\n`);
  }
  writeFileSync(path.join(etc, 'sudoers.d', 'cwsudo'), 'cwsudo ALL=(ALL) NOPASSWD: ALL\n', { mode: 0o440 });
  const keys = path.join(dir, 'keys');
  mkdirSync(keys);
  const pub = readFileSync(path.join(dir, 'user_key.pub'));
  for (const [user, uid] of [['root', 0], ['cwsudo', SUDO_UID], ['cwplain', PLAIN_UID]] as const) {
    writeFileSync(path.join(keys, user), pub, { mode: 0o600 });
    chownSync(path.join(keys, user), uid, uid);
  }
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [`HostKey ${dir}/host_key`, `AuthorizedKeysFile ${keys}/%u`, 'PidFile none', 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'LogLevel ERROR', ''].join('\n'),
  );
  const mounts = ['passwd', 'group', 'shadow'].map((f) => `mount --bind ${etc}/${f} /etc/${f}`).join(' && ');
  const script = `${mounts} && mount --bind ${etc}/sudoers.d /etc/sudoers.d && exec /usr/sbin/sshd -i -e -f ${config}`;
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory

  const children = new Set<ChildProcess>();
  const server = createServer((socket) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.add(child);
    child.on('exit', () => {
      children.delete(child);
      socket.destroy();
    });
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    socket.on('error', () => child.kill());
    socket.on('close', () => child.kill());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.teardown(async () => {
    for (const child of children) child.kill('SIGKILL');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  const hostKey = parsePublicKey(readFileSync(path.join(dir, 'host_key.pub'), 'utf8'));
  if (typeof hostKey === 'string') throw new Error(hostKey);
  const identityFile = path.join(dir, 'user_key');
  const scratch = path.join(dir, 'scratch');
  mkdirSync(scratch, { mode: 0o755 });
  return {
    address: '127.0.0.1',
    port,
    hostKey,
    identityFile,
    dir: scratch,
    host: (overrides = {}) => ({
      name: 'test1',
      address: '127.0.0.1',
      port,
      user: 'root',
      sudo: false,
      identityFile,
      hostKeys: [hostKey],
      roles: [],
      vars: {},
      wireguardAddress: null,
      ...overrides,
    }),
  };
}
