import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fingerprint, hostsFieldMatches, knownHostsName, parseKnownHosts, parsePublicKey } from './hostkeys.ts';

t.test('fingerprints match ssh-keygen -l', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-hk-'));
  for (const type of ['ed25519', 'rsa', 'ecdsa']) {
    const file = path.join(dir, type);
    spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
    const key = parsePublicKey(readFileSync(`${file}.pub`, 'utf8'));
    if (typeof key === 'string') throw new Error(key);
    const expected = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
    t.equal(fingerprint(key.blob), expected, type);
  }
});

t.test('malformed public keys are explained, not thrown', async (t) => {
  t.match(parsePublicKey('ssh-ed25519'), /must be "<type> <base64 key>"/);
  t.match(parsePublicKey('ssh-ed25519 not*base64'), /not base64/);
  t.match(parsePublicKey('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu'), /says it is ssh-ed25519, not ssh-rsa/);
  t.match(parsePublicKey('ssh-ed25519 AAAA'), /malformed/);
});

t.test('known_hosts host patterns follow OpenSSH: wildcards, negation, ports', async (t) => {
  t.equal(knownHostsName('10.0.0.1', 22), '10.0.0.1');
  t.equal(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
  t.ok(hostsFieldMatches('app1,10.0.0.1', '10.0.0.1'));
  t.ok(hostsFieldMatches('10.0.0.*', '10.0.0.7'));
  t.notOk(hostsFieldMatches('10.0.0.*,!10.0.0.7', '10.0.0.7'));
  t.notOk(hostsFieldMatches('10.0.0.1', '[10.0.0.1]:2222'));
  t.ok(hostsFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222'));
  t.notOk(hostsFieldMatches('|1|bad|hash', '10.0.0.1'));
});

t.test('unreadable known_hosts lines are reported with their line number', async (t) => {
  const { entries, problems } = parseKnownHosts('# c\n\nhost ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu\nbroken line\n@cert-authority *.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu\n');
  t.equal(entries.length, 2);
  t.equal(entries[1]?.marker, 'cert-authority');
  t.same(problems, ['line 4: too few fields']);
});
