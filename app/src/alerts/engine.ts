// The alert engine (`cronwarden alerts`): one loop that scans deadlines, dispatches flips,
// queues reminders and keeps the delivery pump full. Any number of engines may run on one
// database; every step claims its work with skip locked or a conditional update.
import type { AppContext } from '../context.ts';
import { pruneDeliveries } from '../db/queries/deliveries.ts';
import { pruneNotifications } from '../db/queries/notifications.ts';
import { pruneTokenBuckets } from '../db/queries/token-buckets.ts';
import { scanDeadlines } from './deadlines.ts';
import { DEFAULT_PUMP_OPTIONS, DeliveryPump, type PumpOptions } from './delivery.ts';
import { dispatchFlips } from './dispatch.ts';
import { discoverReminders, queueDueReminders } from './reminders.ts';
import { createSenders, type Senders } from './senders.ts';

export interface EngineOptions extends Partial<PumpOptions> {
  /** Pause between passes when there is nothing to do. Healthchecks sleeps 2 s. */
  readonly pollMs?: number;
  /** Rows per scan and dispatch batch. */
  readonly batchSize?: number;
  /** Outbound clients; built from the configuration when absent. */
  readonly senders?: Senders;
}

export interface AlertEngine {
  /** One full pass at the clock's now: deadlines, flips, reminders, then every delivery due. */
  runOnce(): Promise<void>;
  /** Runs passes until stop(). */
  start(): void;
  /** Stops after the current pass; sends in flight get `graceMs` to finish, then their leases are given back. */
  stop(graceMs?: number): Promise<void>;
}

/** Finished deliveries and notifications are kept this long (Healthchecks keeps flips 93 days). */
export const RETENTION_DAYS = 93;
const PRUNE_EVERY_MS = 3600_000;
const REMINDER_DISCOVERY_EVERY_MS = 30_000;

export function createAlertEngine(ctx: AppContext, options: EngineOptions = {}): AlertEngine {
  const log = ctx.log.child({ module: 'alerts' });
  const engineCtx: AppContext = { ...ctx, log };
  const ownSenders = options.senders === undefined;
  const senders = options.senders ?? createSenders(ctx.config);
  const pump = new DeliveryPump(engineCtx, senders, { ...DEFAULT_PUMP_OPTIONS, ...options });
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  let running: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;
  let lastPrune = 0;
  let lastDiscovery = 0;

  // Scanning, dispatching and sending are interleaved: the first alerts of a burst go out
  // while the rest are still being scanned, instead of after all of them.
  async function pass(): Promise<void> {
    const refill = () => void pump.fill().catch((error: unknown) => log.error({ err: error }, 'claiming deliveries failed'));
    for (;;) {
      const scan = await scanDeadlines(engineCtx, batchSize, 1);
      await dispatchFlips(engineCtx, batchSize, refill);
      if (!scan.more) break;
    }
    const nowMs = Date.now();
    if (nowMs - lastDiscovery >= REMINDER_DISCOVERY_EVERY_MS) {
      lastDiscovery = nowMs;
      await discoverReminders(engineCtx);
    }
    await queueDueReminders(engineCtx);
    if (nowMs - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = nowMs;
      await prune();
    }
  }

  async function prune(): Promise<void> {
    const before = new Date(ctx.clock().getTime() - RETENTION_DAYS * 86_400_000);
    const deliveries = await pruneDeliveries(ctx.pool, before, 10_000);
    const notifications = await pruneNotifications(ctx.pool, before, 10_000);
    // A bucket untouched for a day is full again: deleting it changes no decision.
    const buckets = await pruneTokenBuckets(ctx.pool, new Date(ctx.clock().getTime() - 86_400_000));
    if (deliveries + notifications + buckets > 0) {
      log.info({ deliveries, notifications, buckets }, 'pruned old deliveries, notifications and rate-limit buckets');
    }
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        await pass();
        await pump.fill();
        failures = 0;
      } catch (error) {
        // The database is down or failing over: keep trying, more slowly, never exit.
        failures++;
        log.error({ err: error, failures }, 'alert engine pass failed');
      }
      const delay = failures === 0 ? pollMs : Math.min(pollMs * 2 ** failures, 30_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  return {
    async runOnce() {
      lastDiscovery = 0;
      await pass();
      await pump.drain();
    },
    start() {
      if (running !== null) return;
      log.info({ pollMs }, 'alert engine started');
      running = loop();
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      wake?.();
      await running;
      await pump.stop(graceMs);
      if (ownSenders) senders.close();
      log.info('alert engine stopped');
    },
  };
}
