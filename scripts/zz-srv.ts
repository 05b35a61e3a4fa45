import { loadConfig } from '../app/src/config.ts';
import { createPool } from '../app/src/db/pool.ts';
import { createHttpServer, listen } from '../app/src/http/server.ts';
import { createLogger } from '../app/src/log.ts';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const config = loadConfig({ DATABASE_URL: 'postgresql://cronwarden@%2Ftmp%2Fcwprof/b', LOG_LEVEL: 'error', PORT: '0' });
const pool = createPool(config.databaseUrl!, 20);
const server = createHttpServer({ config, log: createLogger('error'), pool, clock: () => new Date() }, { api: true });
const port = await listen(server, '127.0.0.1', 18777);
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
setTimeout(async () => {
  const { profile } = await session.post('Profiler.stop');
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas!; const samples = profile.samples!;
  for (let i = 0; i < samples.length; i++) { const n = byId.get(samples[i]!)!; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((100 * v / total).toFixed(1).padStart(5), k);
  process.exit(0);
}, 12000);
console.log('listening', port);
