import type pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

/** What every shell (HTTP handler, engine loop, CLI command) is given; nothing else is global. */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly pool: pg.Pool;
  /** The only clock the shells read; tests pass a controlled one. The core takes `now` as an argument. */
  readonly clock: () => Date;
}
