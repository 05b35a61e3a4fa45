// What the admin commands touch outside themselves, passed in so tests run them in-process.
import pino from 'pino';
import type pg from 'pg';
import { openDatabase } from '../db/open.ts';
import { createLogger } from '../log.ts';
import { configOrReport } from './config.ts';
import type { Config } from '../config.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as text (for --password-stdin). */
  readStdin(): Promise<string>;
  /** The configuration and a database pool; null after the configuration problems were printed. */
  open(): Promise<{ config: Config; pool: pg.Pool; close(): Promise<void> } | null>;
  now(): Date;
}

/** A usage or input problem: printed as `cronwarden: <message>`, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The real process: stdout, stderr, stdin, the configured database (migrated), the wall clock. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    },
    async open() {
      const config = configOrReport();
      if (!config) return null;
      // Logs go to stderr so that stdout carries only the command's answer (--json).
      const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
      const db = await openDatabase(config, log, { migrate: true });
      return { config, pool: db.pool, close: () => db.close() };
    },
    now: () => new Date(),
  };
}

/** Runs `command`, turning a UsageError into its message and exit status 2. */
export async function runCommand(io: CliIo, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cronwarden: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`cronwarden: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Aligned "label  value" lines. */
export function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}\n`).join('');
}
