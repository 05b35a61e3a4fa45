import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/** Everything the service reads from its environment, parsed once at start. */
export interface Config {
  /** Public URL of the site, without a trailing slash (`http://localhost:8000`). */
  readonly siteRoot: string;
  /** Path prefix of siteRoot ('' or '/prefix'); every route is mounted under it. */
  readonly basePath: string;
  readonly siteName: string;
  /** Base of the ping URLs shown to users, with a trailing slash. Display only. */
  readonly pingEndpoint: string;
  /** Bytes of a ping body kept; null keeps everything. */
  readonly pingBodyLimit: number | null;
  /** Pings kept per check; older ones are pruned. */
  readonly pingLogLimit: number;
  /** Ping write queues per process, each with one statement in flight (http/ping/batcher.ts). */
  readonly pingWriteLanes: number;
  /** Checks a project owner may have in all their projects together. */
  readonly checkLimit: number;
  /** null: run the embedded PostgreSQL cluster in `${dataDir}/postgres`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  readonly host: string;
  readonly port: number;
  /** Peers whose X-Forwarded-For and X-Forwarded-Proto headers are believed. */
  readonly trustedProxies: readonly Cidr[];
  readonly logLevel: string;
  /** Outbound email (alerts, notices); null host: email is not configured. */
  readonly email: EmailSettings;
  /** The alert engine (`cronwarden alerts`). */
  readonly alerts: AlertSettings;
  /** Outbound requests made by integrations. */
  readonly integrations: IntegrationSettings;
  /** Site administrators' addresses (ADMINS): told about problems only the operator can fix. */
  readonly admins: readonly string[];
}

export interface EmailSettings {
  /** SMTP server; null when unset (email channels then fail with a retryable error). */
  readonly host: string | null;
  readonly port: number;
  /** STARTTLS required on a plain connection (Healthchecks' EMAIL_USE_TLS). */
  readonly useTls: boolean;
  /** TLS from the first byte, usually port 465 (EMAIL_USE_SSL). */
  readonly useSsl: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** From: of every email ("Cronwarden <alerts@example.org>" or a bare address). */
  readonly from: string;
}

export interface AlertSettings {
  /** Seconds after queueing during which a failing delivery is retried. */
  readonly retryHorizonSeconds: number;
}

export interface IntegrationSettings {
  /** Let integrations reach private, loopback and link-local addresses. */
  readonly allowPrivateIps: boolean;
  /** Private ranges reachable anyway (an internal chat server), when allowPrivateIps is false. */
  readonly allowedNetworks: readonly Cidr[];
  readonly webhooksEnabled: boolean;
  readonly pushover: PushoverSettings;
  readonly matrix: MatrixSettings;
  readonly pagerduty: PagerDutySettings;
  readonly opsgenie: OpsgenieSettings;
  readonly zulip: ZulipSettings;
  /** SMS, WhatsApp and phone calls through Twilio. */
  readonly twilio: TwilioSettings;
  /** The opt-in shell command integration. */
  readonly shell: ShellSettings;
  /** SLACK_ENABLED and kin: false makes sends of that kind fail (retried) as "not enabled". */
  readonly slackEnabled: boolean;
  readonly mattermostEnabled: boolean;
  readonly rocketchatEnabled: boolean;
  readonly discordEnabled: boolean;
  readonly msteamsEnabled: boolean;
  readonly telegram: TelegramSettings;
  /** NTFY_SH_TOKEN: access token for https://ntfy.sh, used by ntfy channels without their own. */
  readonly ntfyShToken: string | null;
  readonly signal: SignalSettings;
}

export interface PushoverSettings {
  /** The application's API token; null: Pushover notifications are not enabled. */
  readonly apiToken: string | null;
  /** API base, normally https://api.pushover.net/1 (a setting for tests and proxies). */
  readonly apiUrl: string;
  /** Seconds between repeats of an emergency-priority notification until acknowledged. */
  readonly emergencyRetryDelay: number;
  /** Seconds an emergency-priority notification keeps repeating. */
  readonly emergencyExpiration: number;
}

export interface MatrixSettings {
  /** Homeserver base URL; null: Matrix notifications are not enabled. */
  readonly homeserver: string | null;
  /** The bot account users invite to their rooms ("@cronwarden:example.org"). */
  readonly userId: string | null;
  readonly accessToken: string | null;
}

export interface PagerDutySettings {
  readonly enabled: boolean;
  /** Events API base, normally https://events.pagerduty.com (tests, proxies, the EU endpoint). */
  readonly eventsUrl: string;
}

export interface OpsgenieSettings {
  readonly enabled: boolean;
  /** API bases per region (tests, proxies). */
  readonly usApiUrl: string;
  readonly euApiUrl: string;
}

export interface ZulipSettings {
  readonly enabled: boolean;
}

export interface TwilioSettings {
  /** Account SID (TWILIO_ACCOUNT); null: Twilio is not configured. */
  readonly account: string | null;
  /** Auth token (TWILIO_AUTH): signs our API requests and Twilio's status callbacks. */
  readonly auth: string | null;
  /** Sender number (TWILIO_FROM), E.164. */
  readonly from: string | null;
  /** Messaging service that picks the sender (TWILIO_MESSAGING_SERVICE_SID); wins over `from` for SMS. */
  readonly messagingServiceSid: string | null;
  /** API base URL, for testing or a proxy; Twilio's own by default. */
  readonly baseUrl: string;
  readonly useWhatsapp: boolean;
  readonly whatsappDownContentSid: string | null;
  readonly whatsappUpContentSid: string | null;
  /** SMS and WhatsApp messages one project owner may send per calendar month (UTC). */
  readonly smsLimit: number;
  /** Phone calls one project owner may make per calendar month (UTC). */
  readonly callLimit: number;
}

export interface ShellSettings {
  /** SHELL_ENABLED: off by default, because a shell channel runs commands on the alert server. */
  readonly enabled: boolean;
  /** Seconds a command may run before its process group is killed. */
  readonly timeoutSeconds: number;
}

export interface TelegramSettings {
  /** The bot's token from @BotFather; null: Telegram sends fail (retried) until it is set. */
  readonly token: string | null;
  /** The bot's username, for the onboarding link ("t.me/<name>"). */
  readonly botName: string;
  /** Bot API server, without a trailing slash: Telegram's, a local Bot API server, or a test receiver. */
  readonly apiUrl: string;
}

/** How Signal notifications reach signal-cli: its DBus service (docs/alerts.md, "Signal"). */
export interface SignalSettings {
  readonly enabled: boolean;
  /** The bus signal-cli's daemon is on: a `unix:path=` address (the system bus by default). */
  readonly dbusAddress: string;
  /** The sending account (E.164) when signal-cli runs without `-a` (multi-account); else null. */
  readonly account: string | null;
  /** On an untrusted identity (changed safety number): trust it and send again, once. */
  readonly trustChangedIdentities: boolean;
}

export interface Cidr {
  readonly family: 4 | 6;
  /** Address as a big integer, masked to the prefix. */
  readonly network: bigint;
  readonly prefix: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment; throws one ConfigError that lists every problem found. */
export function loadConfig(env: Env = process.env): Config {
  const reader = new EnvReader(env);
  const siteRoot = reader.url('SITE_ROOT', 'http://localhost:8000');
  const basePath = siteRoot ? new URL(siteRoot).pathname.replace(/\/$/, '') : '';
  const config: Config = {
    siteRoot,
    basePath,
    siteName: reader.string('SITE_NAME', 'Cronwarden'),
    pingEndpoint: reader.url('PING_ENDPOINT', `${siteRoot}/ping/`, { trailingSlash: true }),
    pingBodyLimit: reader.integerOrNone('PING_BODY_LIMIT', 10_000, 0, 100 * 1024 * 1024),
    pingLogLimit: reader.integer('PING_LOG_LIMIT', 100, 1, 100_000),
    pingWriteLanes: reader.integer('PING_WRITE_LANES', 2, 1, 64),
    checkLimit: reader.integer('CHECK_LIMIT', 10_000, 0, 10_000_000),
    databaseUrl: reader.secret('DATABASE_URL'),
    dataDir: path.resolve(reader.string('DATA_DIR', 'data')),
    dbPoolSize: reader.integer('DB_POOL_SIZE', 20, 1, 1000),
    host: reader.string('HOST', '127.0.0.1'),
    port: reader.integer('PORT', 8000, 0, 65535),
    trustedProxies: reader.cidrs('TRUSTED_PROXIES', '127.0.0.1/8,::1/128'),
    logLevel: reader.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    email: {
      host: reader.string('EMAIL_HOST', '') || null,
      port: reader.integer('EMAIL_PORT', 587, 1, 65535),
      useTls: reader.boolean('EMAIL_USE_TLS', true),
      useSsl: reader.boolean('EMAIL_USE_SSL', false),
      user: reader.string('EMAIL_HOST_USER', '') || null,
      password: reader.secret('EMAIL_HOST_PASSWORD'),
      from: reader.string('DEFAULT_FROM_EMAIL', 'cronwarden@localhost'),
    },
    alerts: {
      retryHorizonSeconds: reader.integer('ALERTS_RETRY_HORIZON', 86_400, 60, 30 * 86_400),
    },
    integrations: {
      allowPrivateIps: reader.boolean('INTEGRATIONS_ALLOW_PRIVATE_IPS', false),
      allowedNetworks: reader.cidrs('INTEGRATIONS_ALLOWED_NETWORKS', ''),
      webhooksEnabled: reader.boolean('WEBHOOKS_ENABLED', true),
      pushover: {
        apiToken: reader.secret('PUSHOVER_API_TOKEN'),
        apiUrl: reader.url('PUSHOVER_API_URL', 'https://api.pushover.net/1'),
        // Pushover refuses a retry under 30 seconds.
        emergencyRetryDelay: reader.integer('PUSHOVER_EMERGENCY_RETRY_DELAY', 300, 30, 86_400),
        emergencyExpiration: reader.integer('PUSHOVER_EMERGENCY_EXPIRATION', 86_400, 30, 86_400),
      },
      matrix: {
        homeserver: reader.url('MATRIX_HOMESERVER', '') || null,
        userId: reader.string('MATRIX_USER_ID', '') || null,
        accessToken: reader.secret('MATRIX_ACCESS_TOKEN'),
      },
      pagerduty: {
        enabled: reader.boolean('PD_ENABLED', true),
        eventsUrl: reader.url('PD_EVENTS_URL', 'https://events.pagerduty.com'),
      },
      opsgenie: {
        enabled: reader.boolean('OPSGENIE_ENABLED', true),
        usApiUrl: reader.url('OPSGENIE_US_API_URL', 'https://api.opsgenie.com'),
        euApiUrl: reader.url('OPSGENIE_EU_API_URL', 'https://api.eu.opsgenie.com'),
      },
      zulip: {
        enabled: reader.boolean('ZULIP_ENABLED', true),
      },
      twilio: {
        account: reader.string('TWILIO_ACCOUNT', '') || null,
        auth: reader.secret('TWILIO_AUTH'),
        from: reader.string('TWILIO_FROM', '') || null,
        messagingServiceSid: reader.string('TWILIO_MESSAGING_SERVICE_SID', '') || null,
        baseUrl: reader.url('TWILIO_BASE_URL', 'https://api.twilio.com'),
        useWhatsapp: reader.boolean('TWILIO_USE_WHATSAPP', false),
        whatsappDownContentSid: reader.string('WHATSAPP_DOWN_CONTENT_SID', '') || null,
        whatsappUpContentSid: reader.string('WHATSAPP_UP_CONTENT_SID', '') || null,
        // Healthchecks' self-hosted default (USE_PAYMENTS off) for both.
        smsLimit: reader.integer('SMS_LIMIT', 10_000, 0, 10_000_000),
        callLimit: reader.integer('CALL_LIMIT', 10_000, 0, 10_000_000),
      },
      shell: {
        enabled: reader.boolean('SHELL_ENABLED', false),
        // The engine gives every send 60 seconds; a command must end (or be killed) inside that.
        timeoutSeconds: reader.integer('SHELL_TIMEOUT', 30, 1, 50),
      },
      slackEnabled: reader.boolean('SLACK_ENABLED', true),
      mattermostEnabled: reader.boolean('MATTERMOST_ENABLED', true),
      rocketchatEnabled: reader.boolean('ROCKETCHAT_ENABLED', true),
      discordEnabled: reader.boolean('DISCORD_ENABLED', true),
      msteamsEnabled: reader.boolean('MSTEAMS_ENABLED', true),
      telegram: {
        token: reader.secret('TELEGRAM_TOKEN'),
        botName: reader.string('TELEGRAM_BOT_NAME', 'ExampleBot'),
        apiUrl: reader.url('TELEGRAM_API_URL', 'https://api.telegram.org'),
      },
      ntfyShToken: reader.secret('NTFY_SH_TOKEN'),
      signal: signalSettings(reader),
    },
    admins: reader.emails('ADMINS'),
  };
  if (config.email.useTls && config.email.useSsl) {
    reader.problems.push('EMAIL_USE_TLS and EMAIL_USE_SSL: set at most one of them to true');
  }
  const matrix = config.integrations.matrix;
  if ((matrix.homeserver === null) !== (matrix.accessToken === null)) {
    reader.problems.push('MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN: set both to enable Matrix notifications, or neither');
  }
  if (matrix.userId !== null && !/^@[^:\s]+:\S+$/.test(matrix.userId)) {
    reader.problems.push(`MATRIX_USER_ID: must look like @name:server, got ${JSON.stringify(matrix.userId)}`);
  }
  // The token goes into the Bot API's URL path; anything else than Telegram's shape would
  // make every send fail later with a puzzling 404, so it is refused now.
  const telegramToken = config.integrations.telegram.token;
  if (telegramToken !== null && !/^\d+:[A-Za-z0-9_-]+$/.test(telegramToken)) {
    reader.problems.push('TELEGRAM_TOKEN: not a Telegram bot token (digits, a colon, then letters, digits, "_" or "-")');
  }
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return Object.freeze(config);
}

/** The system bus, where the DBus specification puts it. */
export const SYSTEM_BUS_ADDRESS = 'unix:path=/var/run/dbus/system_bus_socket';

function signalSettings(reader: EnvReader): SignalSettings {
  const dbusAddress = reader.string('SIGNAL_DBUS_ADDRESS', SYSTEM_BUS_ADDRESS);
  // dbus-next reaches abstract sockets and unixexec only through optional native or spawned
  // helpers; a socket path is what signal-cli's system or private bus offers anyway.
  if (!/^unix:path=\/[^,;]*(,[A-Za-z]+=[^,;]*)*$/.test(dbusAddress)) {
    reader.problems.push(`SIGNAL_DBUS_ADDRESS: must be a DBus address "unix:path=/path/to/socket", got ${JSON.stringify(dbusAddress)}`);
  }
  const account = reader.string('SIGNAL_ACCOUNT', '') || null;
  if (account !== null && !/^\+\d{5,15}$/.test(account)) {
    reader.problems.push(`SIGNAL_ACCOUNT: must be the account's phone number in international format (+ and digits), got ${JSON.stringify(account)}`);
  }
  return {
    enabled: reader.boolean('SIGNAL_ENABLED', false),
    dbusAddress,
    account,
    trustChangedIdentities: reader.boolean('SIGNAL_TRUST_CHANGED_IDENTITIES', true),
  };
}

/** Reads typed values, collecting problems instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** A secret from NAME, or from the file named by NAME_FILE (which wins, as in Healthchecks). */
  secret(name: string): string | null {
    const file = this.raw(`${name}_FILE`);
    if (file !== undefined) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (error) {
        this.problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
        return null;
      }
    }
    return this.raw(name) ?? null;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    this.problems.push(`${name}: must be exactly "true" or "false", got ${JSON.stringify(value)}`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return Number(value);
  }

  /** An integer, or "None" (Healthchecks' spelling) for no limit. */
  integerOrNone(name: string, fallback: number, min: number, max: number): number | null {
    return this.raw(name) === 'None' ? null : this.integer(name, fallback, min, max);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return fallback;
  }

  /** A URL; the fallback is not validated again (it is derived from values already checked). */
  url(name: string, fallback: string, options: { trailingSlash?: boolean } = {}): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problems.push(`${name}: not a valid URL: ${JSON.stringify(value)}`);
      return '';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.problems.push(`${name}: must start with http:// or https://, got ${JSON.stringify(value)}`);
    }
    if (options.trailingSlash) {
      if (!value.endsWith('/')) this.problems.push(`${name}: must end with a slash, got ${JSON.stringify(value)}`);
      return value;
    }
    return value.replace(/\/+$/, '');
  }

  /** Comma-separated email addresses (Healthchecks' ADMINS); none when unset. */
  emails(name: string): string[] {
    const addresses = (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const address of addresses) {
      if (!/^[^\s@<>,]+@[^\s@<>,]+$/.test(address)) this.problems.push(`${name}: not an email address: ${JSON.stringify(address)}`);
    }
    return addresses;
  }

  cidrs(name: string, fallback: string): Cidr[] {
    const value = this.raw(name) ?? fallback;
    const result: Cidr[] = [];
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const cidr = parseCidr(item);
      if (cidr) result.push(cidr);
      else this.problems.push(`${name}: not an IP address or CIDR range: ${JSON.stringify(item)}`);
    }
    return result;
  }
}

/** Parses "10.0.0.0/8", "::1/128" or a bare address; null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText] = text.split('/');
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    return null;
  }
  return { family, prefix, network: mask(addressToBigInt(address, family), bits, prefix) };
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the ranges. */
export function inRanges(address: string, ranges: readonly Cidr[]): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  const family = isIP(candidate);
  if (family !== 4 && family !== 6) return false;
  const bits = family === 4 ? 32 : 128;
  const value = addressToBigInt(candidate, family);
  return ranges.some((r) => r.family === family && mask(value, bits, r.prefix) === r.network);
}

function mask(value: bigint, bits: number, prefix: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function addressToBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  let text = address;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded?.[1]) {
    const v4 = addressToBigInt(embedded[1], 4);
    text = `${text.slice(0, -embedded[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
