// A child process for the kill -9 test: runs one engine pass at a fixed time against the
// database in CW_CHILD_DATABASE_URL and hangs in its send until it is killed.
import { loadConfig } from '../config.ts';
import { createPool } from '../db/pool.ts';
import { createLogger } from '../log.ts';
import { createAlertEngine } from './engine.ts';

const url = process.env.CW_CHILD_DATABASE_URL;
const now = process.env.CW_CHILD_NOW;
if (url === undefined || now === undefined) throw new Error('CW_CHILD_DATABASE_URL and CW_CHILD_NOW are required');
const pool = createPool(url, 4);
const config = loadConfig({ INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true' });
const engine = createAlertEngine({ config, pool, log: createLogger('silent'), clock: () => new Date(now) }, { random: () => 0.5 });
await engine.runOnce();
