// The ssh2 transport against a real OpenSSH server on loopback (see test-sshd.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import type { UploadStep } from '../ops/types.ts';
import { sh } from '../shell.ts';
import { fingerprint, parsePublicKey } from './hostkeys.ts';
import { SshConnector } from './ssh.ts';
import { startTestSshd, SUDO_UID } from './test-sshd.ts';
import { TransportError } from './types.ts';
import { uploadCommand, VALIDATION_FAILED } from './upload.ts';

const noAgent = { agent: null };
const otherKey = parsePublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu');
if (typeof otherKey === 'string') throw new Error(otherKey);

t.test('runs commands as root with stdout, stderr, exit code and stdin', async (t) => {
  const sshd = await startTestSshd(t);
  const transport = await new SshConnector(noAgent).connect(sshd.host());
  t.teardown(() => transport.close());
  const result = await transport.run(sh`id -u; echo oops >&2; exit 3`);
  t.same(result, { stdout: '0\n', stderr: 'oops\n', exitCode: 3 });
  const echoed = await transport.run(sh`cat`, { stdin: Buffer.from('line one\nline two\n') });
  t.equal(echoed.stdout, 'line one\nline two\n');
  const quoted = await transport.run(sh`printf '%s|' ${"it's"} ${'$(id)'} ${'a b'}`);
  t.equal(quoted.stdout, "it's|$(id)|a b|", 'arguments survive the trip through sh -c and timeout');
});

t.test('a wrong pinned host key is refused with both fingerprints', async (t) => {
  const sshd = await startTestSshd(t);
  const error = (await new SshConnector(noAgent).connect(sshd.host({ hostKeys: [otherKey] })).catch((e: unknown) => e)) as TransportError;
  t.type(error, TransportError);
  t.equal(error.kind, 'host-key');
  t.match(error.message, /HOST KEY MISMATCH/);
  t.ok(error.message.includes(fingerprint(sshd.hostKey.blob)), 'names the offered fingerprint');
  t.ok(error.message.includes(fingerprint(otherKey.blob)), 'names the expected fingerprint');
});

t.test('a host with no known key is refused, never trusted on first use', async (t) => {
  const sshd = await startTestSshd(t);
  const error = (await new SshConnector(noAgent).connect(sshd.host({ hostKeys: [] })).catch((e: unknown) => e)) as TransportError;
  t.equal(error.kind, 'host-key');
  t.match(error.message, /no host key is known/);
  t.ok(error.message.includes(fingerprint(sshd.hostKey.blob)));
});

t.test('keys from a known_hosts file: plain [host]:port and hashed entries work, @revoked refuses', async (t) => {
  const sshd = await startTestSshd(t);
  const name = `[127.0.0.1]:${sshd.port}`;
  const line = `${sshd.hostKey.type} ${sshd.hostKey.blob.toString('base64')}`;
  const file = path.join(sshd.dir, 'known_hosts');
  const host = sshd.host({ hostKeys: [] });

  writeFileSync(file, `# comment\nother.example ${line}\n${name} ${line}\n`);
  await (await new SshConnector({ ...noAgent, knownHostsFile: file }).connect(host)).close();

  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  writeFileSync(file, `|1|${salt.toString('base64')}|${hash} ${line}\n`);
  await (await new SshConnector({ ...noAgent, knownHostsFile: file }).connect(host)).close();

  writeFileSync(file, `127.0.0.1 ${line}\n`);
  const wrongPort = (await new SshConnector({ ...noAgent, knownHostsFile: file }).connect(host).catch((e: unknown) => e)) as TransportError;
  t.equal(wrongPort.kind, 'host-key', 'an entry for port 22 does not vouch for another port');

  writeFileSync(file, `${name} ${line}\n@revoked * ${line}\n`);
  const revoked = (await new SshConnector({ ...noAgent, knownHostsFile: file }).connect(host).catch((e: unknown) => e)) as TransportError;
  t.equal(revoked.kind, 'host-key');
  t.match(revoked.message, /@revoked/);
});

t.test('a refused user key is an authentication error', async (t) => {
  const sshd = await startTestSshd(t);
  const stranger = path.join(sshd.dir, 'stranger');
  const { spawnSync } = await import('node:child_process');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
  const error = (await new SshConnector(noAgent).connect(sshd.host({ identityFile: stranger })).catch((e: unknown) => e)) as TransportError;
  t.equal(error.kind, 'auth');
  t.match(error.message, /cannot log in to test1 .* as root/);
});

t.test('an unreachable host fails fast and clearly', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const sshd = await startTestSshd(t);
  const error = (await new SshConnector(noAgent).connect(sshd.host({ port })).catch((e: unknown) => e)) as TransportError;
  t.equal(error.kind, 'unreachable');
  t.match(error.message, new RegExp(`cannot reach test1 \\(127.0.0.1:${port}\\).*ECONNREFUSED`));
});

t.test('a command that runs too long is stopped and reported as a timeout', async (t) => {
  const sshd = await startTestSshd(t);
  const transport = await new SshConnector(noAgent).connect(sshd.host());
  t.teardown(() => transport.close());
  const marker = path.join(sshd.dir, 'timeout-marker');
  const error = (await transport.run(sh`sleep 30; touch ${marker}`, { timeoutMs: 1000 }).catch((e: unknown) => e)) as TransportError;
  t.equal(error.kind, 'timeout');
  t.match(error.message, /timed out after 1s/);
  t.equal((await transport.run(sh`echo still usable`)).stdout, 'still usable\n', 'the connection survives');
  t.notOk(existsSync(marker), 'the remote command was killed, not left running');
});

t.test('a non-root user runs commands as root through sudo -n', async (t) => {
  const sshd = await startTestSshd(t);
  const connector = new SshConnector(noAgent);
  const withSudo = await connector.connect(sshd.host({ user: 'cwsudo', sudo: true }));
  t.teardown(() => withSudo.close());
  t.equal((await withSudo.run(sh`id -u`)).stdout, '0\n');
  const without = await connector.connect(sshd.host({ user: 'cwsudo', sudo: false }));
  t.teardown(() => without.close());
  t.equal((await without.run(sh`id -u`)).stdout, `${SUDO_UID}\n`);
  const denied = await connector.connect(sshd.host({ user: 'cwplain', sudo: true }));
  t.teardown(() => denied.close());
  const error = (await denied.run(sh`id -u`).catch((e: unknown) => e)) as TransportError;
  t.equal(error.kind, 'sudo');
  t.match(error.message, /NOPASSWD/);
});

function uploadStep(target: string, content: string, extra: Partial<UploadStep> = {}): UploadStep {
  return { kind: 'upload', path: target, content: Buffer.from(content), mode: '0640', owner: 'cwsudo', group: 'cwsudo', validate: null, keepPrevious: true, ...extra };
}

t.test('uploads through sudo: temp file, owner and mode, atomic rename, previous version kept', async (t) => {
  const sshd = await startTestSshd(t);
  const transport = await new SshConnector(noAgent).connect(sshd.host({ user: 'cwsudo', sudo: true }));
  t.teardown(() => transport.close());
  const target = path.join(sshd.dir, "app's config.conf");
  writeFileSync(target, 'old\n');
  const before = statSync(target);
  const step = uploadStep(target, 'new content\n');
  const result = await transport.run(uploadCommand(step, 'n1'), { stdin: step.content });
  t.equal(result.exitCode, 0, result.stderr);
  const after = statSync(target);
  t.equal(readFileSync(target, 'utf8'), 'new content\n');
  t.equal(after.mode & 0o777, 0o640);
  t.equal(after.uid, SUDO_UID);
  t.equal(after.gid, SUDO_UID);
  t.not(after.ino, before.ino, 'a new inode was renamed into place, the old file was not rewritten');
  t.equal(readFileSync(`${target}.fleet-prev`, 'utf8'), 'old\n');
  t.equal(statSync(`${target}.fleet-prev`).ino, before.ino, 'the previous version is the old inode itself');
  t.same(readdirSync(sshd.dir).filter((f) => f.includes('.fleet-n')), [], 'no temporary file is left');
});

t.test('a file the validator refuses never goes live and leaves no temporary file', async (t) => {
  const sshd = await startTestSshd(t);
  const transport = await new SshConnector(noAgent).connect(sshd.host());
  t.teardown(() => transport.close());
  const target = path.join(sshd.dir, 'checked.conf');
  writeFileSync(target, 'good\n');
  const validate = { name: 'grep good', command: (tmp: string) => sh`grep -q good ${tmp}` };
  const bad = uploadStep(target, 'bad\n', { owner: 'root', group: 'root', validate });
  const refused = await transport.run(uploadCommand(bad, 'n2'), { stdin: bad.content });
  t.equal(refused.exitCode, VALIDATION_FAILED);
  t.match(refused.stderr, /grep good refused the new .*checked.conf; the live file is untouched/);
  t.equal(readFileSync(target, 'utf8'), 'good\n');
  t.same(readdirSync(sshd.dir).filter((f) => f.includes('.fleet-')), []);
  const good = uploadStep(target, 'still good\n', { owner: 'root', group: 'root', validate });
  t.equal((await transport.run(uploadCommand(good, 'n3'), { stdin: good.content })).exitCode, 0);
  t.equal(readFileSync(target, 'utf8'), 'still good\n');
});

t.test('several hosts are reached in parallel over separate connections', async (t) => {
  const sshd = await startTestSshd(t);
  const connector = new SshConnector(noAgent);
  const transports = await Promise.all(['a', 'b', 'c'].map((name) => connector.connect(sshd.host({ name }))));
  t.teardown(() => Promise.all(transports.map((tr) => tr.close())));
  const outputs = await Promise.all(transports.map((tr) => tr.run(sh`echo ${tr.host.name}`)));
  t.same(outputs.map((o) => o.stdout), ['a\n', 'b\n', 'c\n']);
});

t.test('a passphrase-protected key file is refused with advice to use the agent', async (t) => {
  const sshd = await startTestSshd(t);
  const locked = path.join(sshd.dir, 'locked');
  const { spawnSync } = await import('node:child_process');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', locked]);
  const error = (await new SshConnector(noAgent).connect(sshd.host({ identityFile: locked })).catch((e: unknown) => e)) as TransportError;
  t.type(error, TransportError);
  t.equal(error.kind, 'auth');
  t.match(error.message, /ssh-agent/);
});
