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

t.test('email, alert and integration settings have Healthchecks-like defaults', async (t) => {
  const config = loadConfig({});
  t.same(config.email, { host: null, port: 587, useTls: true, useSsl: false, user: null, password: null, from: 'cronwarden@localhost' });
  t.same(config.alerts, { retryHorizonSeconds: 86_400 });
  t.equal(config.integrations.allowPrivateIps, false);
  t.same(config.integrations.allowedNetworks, []);
  t.equal(config.integrations.webhooksEnabled, true);
});

t.test('SMTP settings are read, the password also from a file', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-config-'));
  writeFileSync(path.join(dir, 'smtp'), 'hunter2\n');
  const config = loadConfig({
    EMAIL_HOST: 'smtp.example.org',
    EMAIL_PORT: '465',
    EMAIL_USE_TLS: 'false',
    EMAIL_USE_SSL: 'true',
    EMAIL_HOST_USER: 'alerts',
    EMAIL_HOST_PASSWORD_FILE: path.join(dir, 'smtp'),
    DEFAULT_FROM_EMAIL: 'Cronwarden <alerts@example.org>',
    INTEGRATIONS_ALLOWED_NETWORKS: '10.1.2.0/24',
    ALERTS_RETRY_HORIZON: '3600',
  });
  t.same(config.email, {
    host: 'smtp.example.org',
    port: 465,
    useTls: false,
    useSsl: true,
    user: 'alerts',
    password: 'hunter2',
    from: 'Cronwarden <alerts@example.org>',
  });
  t.equal(config.alerts.retryHorizonSeconds, 3600);
  t.ok(inRanges('10.1.2.3', config.integrations.allowedNetworks));
});

t.test('STARTTLS and implicit TLS together are refused, with the other problems', async (t) => {
  const error = t.throws(() => loadConfig({ EMAIL_USE_SSL: 'true', ALERTS_RETRY_HORIZON: '5', INTEGRATIONS_ALLOW_PRIVATE_IPS: 'yes' })) as ConfigError;
  t.match(error.problems, [
    /^ALERTS_RETRY_HORIZON: must be an integer from 60/,
    /^INTEGRATIONS_ALLOW_PRIVATE_IPS: must be exactly "true" or "false"/,
    /^EMAIL_USE_TLS and EMAIL_USE_SSL: set at most one/,
  ]);
});

t.test('Signal is off by default and talks to the system bus; ADMINS is a list of addresses', async (t) => {
  const config = loadConfig({});
  t.same(config.integrations.signal, { enabled: false, dbusAddress: 'unix:path=/var/run/dbus/system_bus_socket', account: null, trustChangedIdentities: true });
  t.same(config.admins, []);
  const set = loadConfig({
    SIGNAL_ENABLED: 'true',
    SIGNAL_DBUS_ADDRESS: 'unix:path=/run/signal-bus/bus.sock,guid=1042afcbac51de9f7765a5076b027efd',
    SIGNAL_ACCOUNT: '+4915100000000',
    SIGNAL_TRUST_CHANGED_IDENTITIES: 'false',
    ADMINS: 'root@example.org, ops@example.org',
  });
  t.same(set.integrations.signal, {
    enabled: true,
    dbusAddress: 'unix:path=/run/signal-bus/bus.sock,guid=1042afcbac51de9f7765a5076b027efd',
    account: '+4915100000000',
    trustChangedIdentities: false,
  });
  t.same(set.admins, ['root@example.org', 'ops@example.org']);
});

t.test('Signal and ADMINS settings are validated', async (t) => {
  const error = t.throws(() =>
    loadConfig({ SIGNAL_DBUS_ADDRESS: 'unix:abstract=/tmp/dbus-x', SIGNAL_ACCOUNT: '015100000000', SIGNAL_ENABLED: 'yes', ADMINS: 'root, ops@example.org' }),
  ) as ConfigError;
  t.same(error.problems, [
    'SIGNAL_DBUS_ADDRESS: must be a DBus address "unix:path=/path/to/socket", got "unix:abstract=/tmp/dbus-x"',
    'SIGNAL_ACCOUNT: must be the account\'s phone number in international format (+ and digits), got "015100000000"',
    'SIGNAL_ENABLED: must be exactly "true" or "false", got "yes"',
    'ADMINS: not an email address: "root"',
  ]);
  t.throws(() => loadConfig({ SIGNAL_DBUS_ADDRESS: 'tcp:host=127.0.0.1,port=7000' }), /SIGNAL_DBUS_ADDRESS: must be a DBus address/);
});
