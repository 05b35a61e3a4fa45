import { ConfigError, loadConfig, type Config } from '../config.ts';

/** The configuration, or null after printing every problem (the caller exits with 1). */
export function configOrReport(): Config | null {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n\nSee docs/configuration.md.\n`);
    return null;
  }
}
