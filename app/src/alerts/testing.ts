// Shared set-up of the engine's tests: a fresh database, a controlled clock, engines on it.
import { loadConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import { createLogger } from '../log.ts';
import { testDatabase } from '../testing/db.ts';
import { insertCheck, insertChannel, insertProject, insertUser } from '../testing/fixtures.ts';
import { TestClock } from '../testing/server.ts';
import { createAlertEngine, type AlertEngine, type EngineOptions } from './engine.ts';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export interface Harness {
  ctx: AppContext;
  clock: TestClock;
  url: string;
  /** An engine on the harness database; stopped at teardown. Jitter is fixed at 0.5. */
  engine(options?: EngineOptions, ctx?: AppContext): AlertEngine;
}

/** Loopback targets are allowed (INTEGRATIONS_ALLOW_PRIVATE_IPS=true) unless `env` says otherwise. */
export async function harness(t: TestLike, env: Record<string, string> = {}): Promise<Harness> {
  const { pool, url } = await testDatabase(t);
  const clock = new TestClock(new Date('2026-01-15T12:00:00Z'));
  const config = loadConfig({ INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', SITE_ROOT: 'https://cw.example.org', ...env });
  const ctx: AppContext = { config, log: createLogger(process.env.CW_TEST_LOG_LEVEL ?? 'silent'), pool, clock: clock.read };
  return {
    ctx,
    clock,
    url,
    engine(options = {}, engineCtx = ctx) {
      const engine = createAlertEngine(engineCtx, { random: () => 0.5, ...options });
      t.teardown(() => engine.stop(0));
      return engine;
    },
  };
}

/** A project owned by a user, with one up check (timeout 1 h, grace 10 min, last ping at `lastPing`) and a webhook to `url`. */
export async function checkWithWebhook(
  h: Harness,
  url: string,
  options: { lastPing?: Date; check?: Record<string, unknown>; webhook?: Record<string, unknown>; projectId?: number } = {},
) {
  const projectId = options.projectId ?? (await insertProject(h.ctx.pool, { owner_id: (await insertUser(h.ctx.pool)).id })).id;
  const lastPing = options.lastPing ?? new Date(h.clock.now.getTime() - 30 * 60_000);
  const check = await insertCheck(h.ctx.pool, projectId, {
    name: 'Backups',
    status: 'up',
    timeout_seconds: 3600,
    grace_seconds: 600,
    last_ping: lastPing,
    n_pings: 1,
    alert_after: new Date(lastPing.getTime() + 4200_000),
    ...options.check,
  });
  const channel = await insertChannel(h.ctx.pool, projectId, {
    kind: 'webhook',
    config: { method_down: 'POST', url_down: `${url}/down/$CODE`, body_down: '$STATUS $NOW $NAME', method_up: 'GET', url_up: `${url}/up/$CODE?now=$NOW`, ...options.webhook },
    checkIds: [check.id],
  });
  return { projectId, check, channel };
}
