import path from 'node:path';
import { EnvReader, type Cidr, type Env } from './env.ts';
import { readIntegrationSettings, type IntegrationSettings } from './integration-settings.ts';

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

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

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
    integrations: readIntegrationSettings(reader),
    admins: reader.emails('ADMINS'),
  };
  if (config.email.useTls && config.email.useSsl) {
    reader.problems.push('EMAIL_USE_TLS and EMAIL_USE_SSL: set at most one of them to true');
  }
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return Object.freeze(config);
}
