import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { startTestServer } from '../../testing/server.ts';
import { readCheck, readFlips, readPings } from './test-support.ts';

t.test('parallel pings to one check lose no count, no ping and no flip', async (t) => {
  // A log limit above the ping count, so that pruning keeps every row to compare.
  const { url, pool } = await startTestServer(t, { env: { PING_LOG_LIMIT: '1000' } });
  const check = await insertCheck(pool, (await insertProject(pool)).id);
  const total = 300;
  // Every third ping fails, so the status flips back and forth while pings race each other.
  const responses = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      fetch(`${url}/ping/${check.code}${i % 3 === 0 ? '/fail' : ''}`, { method: 'POST', body: `ping ${i}` }).then((r) => r.text()),
    ),
  );
  t.equal(responses.filter((r) => r === 'OK').length, total, 'every ping acknowledged');
  t.equal((await readCheck(pool, check.id)).n_pings, total);

  const pings = await readPings(pool, check.id);
  t.same(pings.map((p) => p.n), Array.from({ length: total }, (_, i) => i + 1), 'n is 1..total, no gap, no duplicate');
  t.same(new Set(pings.map((p) => p.body?.toString())).size, total, 'each request logged once');

  // Replaying the log in n order must give exactly the flips that were written.
  let status = 'new';
  const expected: Array<{ old_status: string; new_status: string; reason: string }> = [];
  for (const ping of pings) {
    const next = ping.kind === 'fail' ? 'down' : 'up';
    if (next !== status) expected.push({ old_status: status, new_status: next, reason: ping.kind === 'fail' ? 'fail' : '' });
    status = next;
  }
  const flips = await readFlips(pool, check.id);
  t.same(flips.map(({ old_status, new_status, reason }) => ({ old_status, new_status, reason })), expected);
  t.equal((await readCheck(pool, check.id)).status, status, 'stored status is the last ping\'s');
});

t.test('parallel pings to many checks are all counted', async (t) => {
  const { url, pool } = await startTestServer(t);
  const project = await insertProject(pool);
  const checks = await Promise.all(Array.from({ length: 10 }, () => insertCheck(pool, project.id)));
  await Promise.all(
    Array.from({ length: 400 }, (_, i) => fetch(`${url}/ping/${checks[i % 10]!.code}/${i % 2 ? 'start' : 'log'}`).then((r) => r.text())),
  );
  for (const check of checks) {
    t.equal((await readCheck(pool, check.id)).n_pings, 40);
    t.equal((await readPings(pool, check.id)).length, 40);
  }
});
