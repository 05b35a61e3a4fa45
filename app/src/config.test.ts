import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConfigError, inRanges, loadConfig, parseCidr } from './config.ts';

t.test('defaults give the appliance on localhost:8000 with the embedded database', async (t) => {
  const config = loadConfig({});
  t.equal(config.siteRoot, 'http://localhost:8000');
  t.equal(config.basePath, '');
  t.equal(config.pingEndpoint, 'http://localhost:8000/ping/');
  t.equal(config.pingBodyLimit, 10_000);
  t.equal(config.pingLogLimit, 100);
  t.equal(config.databaseUrl, null);
  t.equal(config.port, 8000);
  t.ok(Object.isFrozen(config));
});

t.test('a SITE_ROOT with a path prefix mounts everything under it', async (t) => {
  const config = loadConfig({ SITE_ROOT: 'https://example.org/hc/' });
  t.equal(config.siteRoot, 'https://example.org/hc');
  t.equal(config.basePath, '/hc');
  t.equal(config.pingEndpoint, 'https://example.org/hc/ping/');
});

t.test('every problem is reported at once', async (t) => {
  const error = t.throws(() =>
    loadConfig({ SITE_ROOT: 'ftp://x', PING_BODY_LIMIT: '-5', PORT: 'eighty', LOG_LEVEL: 'loud', TRUSTED_PROXIES: '10.0.0.0/33' }),
  ) as ConfigError;
  t.type(error, ConfigError);
  t.equal(error.problems.length, 5);
  t.match(error.message, /SITE_ROOT: must start with http/);
  t.match(error.message, /PING_BODY_LIMIT: must be an integer from 0/);
  t.match(error.message, /PORT: must be an integer/);
  t.match(error.message, /LOG_LEVEL: must be one of/);
  t.match(error.message, /TRUSTED_PROXIES: not an IP address or CIDR range: "10.0.0.0\/33"/);
});

t.test('PING_BODY_LIMIT=None keeps whole bodies, as in Healthchecks', async (t) => {
  t.equal(loadConfig({ PING_BODY_LIMIT: 'None' }).pingBodyLimit, null);
});

t.test('PING_ENDPOINT must end with a slash', async (t) => {
  t.throws(() => loadConfig({ PING_ENDPOINT: 'https://hc-ping.example/ping' }), /PING_ENDPOINT: must end with a slash/);
});

t.test('a secret is read from NAME_FILE, which wins over NAME', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-config-'));
  const file = path.join(dir, 'db-url');
  writeFileSync(file, 'postgresql://app:s3cret@db1/app\n');
  t.equal(loadConfig({ DATABASE_URL: 'postgresql://other', DATABASE_URL_FILE: file }).databaseUrl, 'postgresql://app:s3cret@db1/app');
  t.throws(() => loadConfig({ DATABASE_URL_FILE: path.join(dir, 'missing') }), /DATABASE_URL_FILE: cannot read .* \(ENOENT\)/);
});

t.test('trusted proxy ranges match IPv4, IPv6 and IPv4-mapped addresses', async (t) => {
  const ranges = ['10.0.0.0/8', 'fd00::/8', '192.168.1.7'].map((c) => parseCidr(c)!);
  t.ok(inRanges('10.200.3.4', ranges));
  t.notOk(inRanges('11.0.0.1', ranges));
  t.ok(inRanges('::ffff:10.1.1.1', ranges));
  t.ok(inRanges('fd12:3456::1', ranges));
  t.notOk(inRanges('fe80::1', ranges));
  t.ok(inRanges('192.168.1.7', ranges));
  t.notOk(inRanges('192.168.1.8', ranges));
  t.notOk(inRanges('not-an-ip', ranges));
  t.equal(parseCidr('::1/129'), null);
  t.equal(parseCidr('1.2.3.4/'), null);
});
