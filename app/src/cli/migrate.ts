import { openDatabase } from '../db/open.ts';
import { createLogger } from '../log.ts';
import { configOrReport } from './config.ts';

/** `cronwarden migrate`: applies pending migrations and exits. */
export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write('usage: cronwarden migrate\n');
    return 2;
  }
  const config = configOrReport();
  if (!config) return 1;
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log, { migrate: true });
  await db.close();
  log.info('database is up to date');
  return 0;
}
