import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths whose values never reach a log line: credentials in config, request headers and
 * command-line output. Modules log secrets only under these keys, or not at all.
 */
const REDACTED_PATHS = [
  'databaseUrl',
  'config.databaseUrl',
  'password',
  '*.password',
  'email.password',
  'config.email.password',
  'apiKey',
  '*.apiKey',
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** The one root logger; modules take children of it (`log.child({ module: 'ping' })`). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cronwarden' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** "postgresql://user:secret@host/db" with the password replaced, for start-up messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
