import { readFileSync } from 'node:fs';
import t from 'tap';
import { insertCheck, insertProject } from '../../testing/fixtures.ts';
import { goesDownAt, type CheckTiming } from '../../core/status.ts';
import { startTestServer } from '../../testing/server.ts';
import { plain, readCheck, readFlips, readPings } from './test-support.ts';

interface TransitionCase {
  name: string;
  check: Record<string, unknown>;
  ping: { path: string; method?: string; rid?: string; body?: string; bodyHex?: string };
  expect: {
    check: Record<string, unknown>;
    ping: Record<string, unknown> & { body?: string | null; bodyHex?: string };
    flip: { old_status: string; new_status: string; reason: string } | null;
  };
}

const table = JSON.parse(readFileSync(new URL('./fixtures/transitions.json', import.meta.url), 'utf8')) as {
  now: string;
  cases: TransitionCase[];
};

/** The columns core/status.ts reads. */
const timing = (row: Record<string, unknown>): CheckTiming => ({
  kind: row.kind as CheckTiming['kind'],
  timeoutSeconds: row.timeout_seconds as number,
  graceSeconds: row.grace_seconds as number,
  schedule: row.schedule as string,
  tz: row.tz as string,
  status: row.status as CheckTiming['status'],
  lastPing: row.last_ping as Date | null,
  lastStart: row.last_start as Date | null,
});

const hex = (text: string) => text.replace(/\s+/g, '');

t.test('each ping changes its check as Healthchecks Check.ping does', async (t) => {
  const { url, pool, clock } = await startTestServer(t);
  const project = await insertProject(pool);
  for (const c of table.cases) {
    await t.test(c.name, async (t) => {
      clock.set(table.now);
      const check = await insertCheck(pool, project.id, { timeout_seconds: 3600, grace_seconds: 600, ...c.check });
      const body = c.ping.bodyHex !== undefined ? Buffer.from(hex(c.ping.bodyHex), 'hex') : c.ping.body;
      const query = c.ping.rid ? `?rid=${c.ping.rid}` : '';
      const res = await fetch(`${url}/ping/${check.code}${c.ping.path}${query}`, { method: c.ping.method ?? 'GET', body });
      t.equal(res.status, 200);
      t.equal(await res.text(), 'OK');

      const after = plain(await readCheck(pool, check.id));
      t.match(after, c.expect.check, 'check columns');
      t.equal(after.n_pings, ((c.check.n_pings as number | undefined) ?? 0) + 1, 'n_pings counts every ping');
      const row = await readCheck(pool, check.id);
      // goesDownAt of the new state, unless the stored deadline was earlier: never later.
      const exact = goesDownAt(timing(row));
      const stored = typeof c.check.alert_after === 'string' ? new Date(c.check.alert_after) : null;
      const want = exact !== null && stored !== null && stored < exact ? stored : exact;
      t.same(row.alert_after, want, 'alert_after: core/status.ts goesDownAt, or the earlier stored deadline');

      const pings = await readPings(pool, check.id);
      t.equal(pings.length, 1, 'one ping logged');
      const ping = plain({ ...pings[0] });
      const { body: wantBody, bodyHex: wantHex, ...wantPing } = c.expect.ping;
      t.match(ping, { n: after.n_pings, created_at: table.now, ...wantPing }, 'ping row');
      if (wantBody !== undefined) t.equal(ping.body, wantBody === null ? null : Buffer.from(wantBody).toString('hex'), 'ping body');
      if (wantHex !== undefined) t.equal(ping.body, hex(wantHex), 'ping body bytes');

      const flips = await readFlips(pool, check.id);
      if (c.expect.flip === null) t.same(flips, [], 'no flip');
      else t.match(flips.map((f) => plain({ ...f })), [{ ...c.expect.flip, created_at: table.now, processed_at: null }], 'one unprocessed flip');
    });
  }
});
