import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from './config.ts';
import { inRanges, parseCidr } from './env.ts';

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

t.test('incident and paging integrations: Healthchecks\' defaults, overridable API bases, secrets from files', async (t) => {
  const defaults = loadConfig({}).integrations;
  t.same(
    [defaults.pushover, defaults.matrix, defaults.pagerduty, defaults.opsgenie, defaults.zulip],
    [
      { apiToken: null, apiUrl: 'https://api.pushover.net/1', emergencyRetryDelay: 300, emergencyExpiration: 86_400 },
      { homeserver: null, userId: null, accessToken: null },
      { enabled: true, eventsUrl: 'https://events.pagerduty.com' },
      { enabled: true, usApiUrl: 'https://api.opsgenie.com', euApiUrl: 'https://api.eu.opsgenie.com' },
      { enabled: true },
    ],
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-config-'));
  writeFileSync(path.join(dir, 'po'), 'azGDORePK8gMaC0QOYAMyEEuzJnyUi\n');
  writeFileSync(path.join(dir, 'matrix'), 'syt_secret\n');
  const set = loadConfig({
    PUSHOVER_API_TOKEN_FILE: path.join(dir, 'po'),
    PUSHOVER_EMERGENCY_RETRY_DELAY: '60',
    MATRIX_HOMESERVER: 'https://matrix.example.org/',
    MATRIX_USER_ID: '@cronwarden:example.org',
    MATRIX_ACCESS_TOKEN_FILE: path.join(dir, 'matrix'),
    PD_ENABLED: 'false',
    OPSGENIE_EU_API_URL: 'http://127.0.0.1:9/',
  }).integrations;
  t.equal(set.pushover.apiToken, 'azGDORePK8gMaC0QOYAMyEEuzJnyUi');
  t.equal(set.pushover.emergencyRetryDelay, 60);
  t.same(set.matrix, { homeserver: 'https://matrix.example.org', userId: '@cronwarden:example.org', accessToken: 'syt_secret' });
  t.equal(set.pagerduty.enabled, false);
  t.equal(set.opsgenie.euApiUrl, 'http://127.0.0.1:9');
});

t.test('Matrix needs its homeserver and token together; bad values are listed with the rest', async (t) => {
  const error = t.throws(() =>
    loadConfig({ MATRIX_HOMESERVER: 'https://matrix.example.org', MATRIX_USER_ID: 'cronwarden', PUSHOVER_EMERGENCY_RETRY_DELAY: '5', ZULIP_ENABLED: 'True' }),
  ) as ConfigError;
  t.same(error.problems, [
    'PUSHOVER_EMERGENCY_RETRY_DELAY: must be an integer from 30 to 86400, got "5"',
    'ZULIP_ENABLED: must be exactly "true" or "false", got "True"',
    'MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN: set both to enable Matrix notifications, or neither',
    'MATRIX_USER_ID: must look like @name:server, got "cronwarden"',
  ]);
});

t.test('Twilio and shell settings: off by default, the auth token also from a file, limits and timeout checked', async (t) => {
  const defaults = loadConfig({});
  t.same(defaults.integrations.twilio, {
    account: null, auth: null, from: null, messagingServiceSid: null, baseUrl: 'https://api.twilio.com', useWhatsapp: false,
    whatsappDownContentSid: null, whatsappUpContentSid: null, smsLimit: 10_000, callLimit: 10_000,
  });
  t.same(defaults.integrations.shell, { enabled: false, timeoutSeconds: 30 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-config-'));
  writeFileSync(path.join(dir, 'twilio'), 'tok3n\n');
  const config = loadConfig({
    TWILIO_ACCOUNT: 'AC1', TWILIO_AUTH: 'ignored', TWILIO_AUTH_FILE: path.join(dir, 'twilio'), TWILIO_FROM: '+15005550006',
    TWILIO_BASE_URL: 'http://127.0.0.1:9999/', TWILIO_USE_WHATSAPP: 'true', WHATSAPP_DOWN_CONTENT_SID: 'HXd', WHATSAPP_UP_CONTENT_SID: 'HXu',
    SMS_LIMIT: '0', CALL_LIMIT: '5', SHELL_ENABLED: 'true', SHELL_TIMEOUT: '50',
  });
  t.match(config.integrations.twilio, { account: 'AC1', auth: 'tok3n', baseUrl: 'http://127.0.0.1:9999', useWhatsapp: true, smsLimit: 0, callLimit: 5 });
  t.same(config.integrations.shell, { enabled: true, timeoutSeconds: 50 });
  const error = t.throws(() => loadConfig({ SMS_LIMIT: '-1', CALL_LIMIT: 'lots', SHELL_TIMEOUT: '60', SHELL_ENABLED: 'True', TWILIO_BASE_URL: 'api.twilio.com' })) as ConfigError;
  t.match(error.problems, [
    /^TWILIO_BASE_URL: not a valid URL/,
    /^SMS_LIMIT: must be an integer from 0/,
    /^CALL_LIMIT: must be an integer from 0/,
    /^SHELL_ENABLED: must be exactly "true" or "false"/,
    /^SHELL_TIMEOUT: must be an integer from 1 to 50/,
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
