// An in-process CliIo over a test database, recording what a command prints.
import { loadConfig } from '../config.ts';
import type { TestDatabase } from '../testing/db.ts';
import type { CliIo } from './io.ts';

export interface RecordingIo extends CliIo {
  stdout: string;
  stderr: string;
}

/** Output recorded, `stdin` as standard input, the test database (left open for the test). */
export function recordingIo(db: TestDatabase, options: { stdin?: string; now?: Date } = {}): RecordingIo {
  const io: RecordingIo = {
    stdout: '',
    stderr: '',
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    readStdin: async () => options.stdin ?? '',
    open: async () => ({ config: loadConfig({ SITE_ROOT: 'https://cw.example.org' }), pool: db.pool, close: async () => {} }),
    now: () => options.now ?? new Date('2026-01-15T12:00:00Z'),
  };
  return io;
}
