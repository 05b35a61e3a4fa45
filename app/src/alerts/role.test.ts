import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { testDatabase } from '../testing/db.ts';
import { insertChannel, insertCheck, insertProject } from '../testing/fixtures.ts';
import { startHttpReceiver } from '../testing/receivers.ts';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cronwarden.js');

t.test('`cronwarden alerts` sends the alert of an overdue check, then stops cleanly on SIGTERM', async (t) => {
  const { pool, url } = await testDatabase(t);
  const receiver = await startHttpReceiver(t);
  const project = await insertProject(pool);
  const lastPing = new Date(Date.now() - 2 * 3600_000);
  const check = await insertCheck(pool, project.id, {
    name: 'nightly',
    status: 'up',
    timeout_seconds: 3600,
    grace_seconds: 60,
    last_ping: lastPing,
    alert_after: new Date(lastPing.getTime() + 3660_000),
  });
  await insertChannel(pool, project.id, { config: { url_down: `${receiver.url}/$NAME` }, checkIds: [check.id] });

  const proc = spawn(process.execPath, [bin, 'alerts'], {
    env: { ...process.env, DATABASE_URL: url, INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(proc, 'exit');
  await receiver.waitFor(1);
  t.equal(receiver.requests[0]?.url, '/nightly');
  proc.kill('SIGTERM');
  const [code] = await exited;
  t.equal(code, 0);
  const messages = output.split('\n').filter(Boolean).map((line) => JSON.parse(line).msg);
  t.match(messages, ['using DATABASE_URL', 'alert engine started']);
  t.ok(messages.includes('shutting down') && messages.includes('alert engine stopped'));
  const { rows } = await pool.query('select state from deliveries');
  t.same(rows, [{ state: 'sent' }]);
});
