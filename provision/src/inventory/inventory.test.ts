import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Secret, StaticSecretSource } from '../secrets.ts';
import { loadInventory, selectHosts } from './load.ts';
import { parseInventory } from './parse.ts';
import { InventoryError, type VarMap } from './types.ts';

const example = new URL('../../inventory.example.yaml', import.meta.url).pathname;
const secrets = new StaticSecretSource({ heartbeat_url: 'https://hc.example/ping/0b5e-canary' });
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu';

t.test('the documented example inventory parses', async (t) => {
  const inv = loadInventory(example, { secrets });
  t.same(inv.hosts.map((h) => h.name), ['lb1', 'app1', 'db1']);
  const [lb1, app1, db1] = inv.hosts;
  t.equal(lb1?.user, 'root');
  t.equal(lb1?.sudo, false);
  t.equal(app1?.user, 'deploy');
  t.equal(app1?.sudo, true, 'a non-root user implies sudo');
  t.equal(db1?.port, 2222);
  t.equal(db1?.wireguardAddress, '10.99.0.21');
  t.equal(lb1?.hostKeys[0]?.type, 'ssh-ed25519');
  t.same(inv.wireguard?.tiers, { lb: ['app'], app: ['lb', 'db'], db: ['app', 'db'] });
  t.same(inv.warnings, []);
});

t.test('variables layer: global, then roles, then the host; mappings merge, lists are replaced', async (t) => {
  const inv = loadInventory(example, { secrets });
  const [lb1, app1, db1] = inv.hosts;
  t.equal(db1?.vars.heartbeat_minutes, 2, 'the db role overrides the global value');
  t.equal(app1?.vars.heartbeat_minutes, 5);
  t.same((lb1?.vars.allow_tcp as VarMap[]).map((r) => r.port), [80, 443], 'the lb role replaces the list');
  t.same(app1?.vars.allow_tcp, []);
  const base = db1?.vars.base as VarMap;
  t.same(base.sysctl, { 'net.core.somaxconn': 4096, 'vm.swappiness': 10 }, 'host sysctl merged into the global mapping');
  t.same(base.packages, ['curl', 'cron', 'nftables'], 'other base keys kept');
  t.same((app1?.vars.base as VarMap).sysctl, { 'net.core.somaxconn': 4096 }, 'other hosts unaffected');
});

t.test('secrets are opaque: the value never shows in JSON, strings or inspection', async (t) => {
  const inv = loadInventory(example, { secrets });
  const url = inv.hosts[0]?.vars.heartbeat_url;
  t.type(url, Secret);
  t.equal((url as Secret).reveal(), 'https://hc.example/ping/0b5e-canary');
  const everything = JSON.stringify(inv) + String(url) + `${url}` + (await import('node:util')).inspect(inv, { depth: 10 });
  t.notOk(everything.includes('canary'));
});

t.test('every problem is reported at once, each with file and key path', async (t) => {
  const source = `
defaults: { user: "Bad User", port: 70000 }
wireguard:
  network: 10.99.0.1/24
  tiers: { lb: [app], app: [], dbb: [app] }
vars:
  password: { secret: missing }
  9lives: 1
hosts:
  App_1:
    address: 10.0.0.1
    roles: [app, web]
    host_key: ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJiG0F1bI/gjVaaDdrY96+ibEa/FsGHOePv/yAHyFzcu
    prot: 22
  app2:
    port: "22"
    wireguard: { address: 10.98.0.5 }
  app3:
    address: 10.0.0.1
    mode: 0640
`;
  const error = t.throws(() => parseInventory(source, { file: '/x/fleet.yaml', secrets })) as InventoryError;
  t.type(error, InventoryError);
  const expected = [
    'fleet.yaml: defaults.user: must be a user name, got "Bad User"',
    'fleet.yaml: defaults.port: must be an integer from 1 to 65535, got 70000',
    'fleet.yaml: vars.password: secret "missing" is not in the secret source',
    'fleet.yaml: vars["9lives"]: variable names are letters, digits and underscores, not starting with a digit',
    'fleet.yaml: wireguard.network: must be an IPv4 network such as 10.99.0.0/24 (prefix 8 to 30, no host bits), got "10.99.0.1/24"',
    'fleet.yaml: wireguard.tiers.dbb: unknown key (known: lb, app, db)',
    'fleet.yaml: wireguard.tiers.app: lb may reach app but app does not list lb: a tunnel works both ways or not at all',
    'fleet.yaml: hosts.App_1: host names are lowercase letters, digits and dashes, starting with a letter',
    'fleet.yaml: hosts.App_1.prot: unknown key (known: address, port, user, identity_file, sudo, host_key, host_keys, roles, vars, wireguard)',
    'fleet.yaml: hosts.App_1.roles[1]: must be one of lb, app, db, got "web"',
    'fleet.yaml: hosts.App_1.host_key: the key says it is ssh-ed25519, not ssh-rsa',
    'fleet.yaml: hosts.app2.address: is required',
    'fleet.yaml: hosts.app2.port: must be an integer from 1 to 65535, got "22"',
    'fleet.yaml: hosts.app2.wireguard.address: 10.98.0.5 is not a host address in 10.99.0.1/24',
    'fleet.yaml: hosts.app3.mode: unknown key (known: address, port, user, identity_file, sudo, host_key, host_keys, roles, vars, wireguard)',
    'fleet.yaml: hosts.app3: same SSH endpoint (10.0.0.1:22) as host App_1',
  ];
  for (const problem of expected) t.ok(error.problems.includes(problem), problem);
  t.equal(error.problems.length, expected.length, error.message);
});

t.test('a YAML syntax error names the line and column', async (t) => {
  t.throws(() => parseInventory('hosts:\n  app1: {address: [1\n', { file: 'f.yaml', secrets }), /f\.yaml: line 3, column 1: /);
  t.throws(() => parseInventory('hosts:\n  a: 1\n  a: 2\n', { file: 'f.yaml', secrets }), /duplicate/i);
});

t.test('a secret too short to redact reliably is refused', async (t) => {
  const short = new StaticSecretSource({ pin: '1234' });
  t.throws(() => parseInventory(`vars: { pin: { secret: pin } }\nhosts: { a: { address: 10.0.0.1, host_key: ${KEY} } }\n`, { file: 'f.yaml', secrets: short }), /shorter than 8 characters/);
});

t.test('--limit selects hosts by name or role, and refuses names it does not know', async (t) => {
  const inv = loadInventory(example, { secrets });
  t.same(selectHosts(inv, null).map((h) => h.name), ['lb1', 'app1', 'db1']);
  t.same(selectHosts(inv, 'app').map((h) => h.name), ['app1']);
  t.same(selectHosts(inv, 'db1,lb').map((h) => h.name), ['lb1', 'db1']);
  t.throws(() => selectHosts(inv, 'app9'), /--limit: no host or role named app9/);
});

t.test('the secrets file must be private to its owner', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-inv-'));
  writeFileSync(path.join(dir, 'secrets.yaml'), 'token: "0123456789abcdef"\n');
  writeFileSync(path.join(dir, 'fleet.yaml'), `secrets: { file: ./secrets.yaml }\nvars: { token: { secret: token } }\nhosts: { a: { address: 10.0.0.1, host_key: ${KEY} } }\n`);
  chmodSync(path.join(dir, 'secrets.yaml'), 0o644);
  t.throws(() => loadInventory(path.join(dir, 'fleet.yaml')), /readable by others \(mode 644\): chmod 600 it/);
  chmodSync(path.join(dir, 'secrets.yaml'), 0o600);
  const inv = loadInventory(path.join(dir, 'fleet.yaml'));
  t.equal((inv.hosts[0]?.vars.token as Secret).reveal(), '0123456789abcdef');
  t.same(inv.secrets.knownValues(), ['0123456789abcdef']);
});

t.test('a WireGuard port of 9000 or above is allowed with a warning', async (t) => {
  const inv = parseInventory(`wireguard: { port: 51820, network: 10.99.0.0/24 }\nhosts: { a: { address: 10.0.0.1 } }\n`, { file: 'f.yaml', secrets });
  t.match(inv.warnings[0], /9000 or above/);
});
