// Settings of the alert integrations (Pushover, Matrix, Twilio, Signal, ...), read from the
// environment with the rest of the configuration (config.ts) and checked with it.
import type { Cidr, EnvReader } from './env.ts';

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

/** Reads every integration's settings; problems are added to the reader's list. */
export function readIntegrationSettings(reader: EnvReader): IntegrationSettings {
  const settings: IntegrationSettings = {
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
  };
  const matrix = settings.matrix;
  if ((matrix.homeserver === null) !== (matrix.accessToken === null)) {
    reader.problems.push('MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN: set both to enable Matrix notifications, or neither');
  }
  if (matrix.userId !== null && !/^@[^:\s]+:\S+$/.test(matrix.userId)) {
    reader.problems.push(`MATRIX_USER_ID: must look like @name:server, got ${JSON.stringify(matrix.userId)}`);
  }
  // The token goes into the Bot API's URL path; anything else than Telegram's shape would
  // make every send fail later with a puzzling 404, so it is refused now.
  const telegramToken = settings.telegram.token;
  if (telegramToken !== null && !/^\d+:[A-Za-z0-9_-]+$/.test(telegramToken)) {
    reader.problems.push('TELEGRAM_TOKEN: not a Telegram bot token (digits, a colon, then letters, digits, "_" or "-")');
  }
  return settings;
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
