// The senders: claim due deliveries with a lease, send each once through its integration,
// record the outcome. Bounded concurrency per kind and per channel keeps a slow or dead
// target from taking every seat; each send has a deadline shorter than its lease.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../context.ts';
import { nextAttemptAt, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/backoff.ts';
import type { Summary } from '../core/summary.ts';
import { withTransaction } from '../db/pool.ts';
import { channelOwner, disableChannel } from '../db/queries/channel-alerts.ts';
import {
  cancelDelivery,
  claimDeliveries,
  dueKinds,
  insertDeliveries,
  recordFailure,
  recordSent,
  recordSentBatch,
  releaseDelivery,
  type Outcome,
  type ClaimedDelivery,
} from '../db/queries/deliveries.ts';
import { findChannelKind } from '../integrations/registry.ts';
import { createChannelStore, createRateLimiter } from '../integrations/stores.ts';
import { ChannelConfigError, TransportError, type Notice, type SendContext } from '../integrations/types.ts';
import type { Senders } from './senders.ts';
import { disabledNoticeEmail, isDisabledNotice, type DisabledNotice } from './notice.ts';
import type pg from 'pg';

export interface PumpOptions {
  /** How long a claim lasts; a sender that dies is replaced after this. */
  readonly leaseSeconds: number;
  /** Deadline of one send, well inside the lease. */
  readonly sendTimeoutMs: number;
  /** Sends to one channel in flight at once in this process. */
  readonly perChannelLimit: number;
  /** Most deliveries claimed by one statement. */
  readonly claimBatch: number;
  readonly retryPolicy: RetryPolicy;
  /** Jitter source, replaceable for tests. */
  readonly random: () => number;
}

export const DEFAULT_PUMP_OPTIONS: PumpOptions = {
  leaseSeconds: 120,
  sendTimeoutMs: 60_000,
  perChannelLimit: 4,
  claimBatch: 200,
  retryPolicy: DEFAULT_RETRY_POLICY,
  random: Math.random,
};

/** Not an error: the delivery is dropped on purpose (channel disabled, direction now a no-op). */
class Cancelled extends Error {}

export class DeliveryPump {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly perKind = new Map<string, number>();
  private readonly perChannel = new Map<number, number>();
  private readonly shutdown = new AbortController();
  private filling: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private readonly sentQueue: Array<{ outcome: Outcome; done: (recorded: boolean) => void; failed: (error: unknown) => void }> = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly senders: Senders,
    private readonly options: PumpOptions = DEFAULT_PUMP_OPTIONS,
  ) {}

  /** Claims what the free seats allow and starts sending; resolves with the number started. */
  fill(): Promise<number> {
    if (this.filling !== null) {
      this.again = true;
      return this.filling;
    }
    this.filling = (async () => {
      let started = 0;
      do {
        this.again = false;
        started += await this.fillOnce();
      } while (this.again && !this.stopped);
      return started;
    })().finally(() => {
      this.filling = null;
    });
    return this.filling;
  }

  /** Sends everything due now and whatever becomes claimable meanwhile; resolves when idle. */
  async drain(): Promise<void> {
    for (;;) {
      const started = await this.fill();
      if (started === 0 && this.inFlight.size === 0 && this.filling === null) return;
      if (this.inFlight.size > 0) await Promise.race(this.inFlight.values());
    }
  }

  /** Stops claiming; waits up to `graceMs` for sends in flight, then aborts them and gives their leases back. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    await this.filling?.catch(() => 0);
    const all = () => Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    if (this.inFlight.size > 0) {
      this.shutdown.abort();
      await all();
    }
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private async fillOnce(): Promise<number> {
    if (this.stopped) return 0;
    const now = this.ctx.clock();
    let started = 0;
    for (const kind of await dueKinds(this.ctx.pool, now)) {
      const integration = findChannelKind(kind);
      if (integration === undefined) continue;
      const free = integration.maxConcurrency - (this.perKind.get(kind) ?? 0);
      if (free <= 0) continue;
      const busyChannels = [...this.perChannel].filter(([, n]) => n >= this.options.perChannelLimit).map(([id]) => id);
      const rows = await claimDeliveries(this.ctx.pool, {
        kind,
        now,
        leaseUntil: new Date(now.getTime() + this.options.leaseSeconds * 1000),
        token: randomUUID(),
        limit: Math.min(free, this.options.claimBatch),
        busyChannels,
        perChannel: this.options.perChannelLimit,
      });
      for (const row of rows) this.start(row);
      started += rows.length;
    }
    return started;
  }

  private start(row: ClaimedDelivery): void {
    bump(this.perKind, row.channel_kind, 1);
    bump(this.perChannel, row.channel_id, 1);
    const work = this.deliver(row)
      .catch((error: unknown) => {
        // Only the database failing while recording can get here; the lease then expires
        // and the delivery is sent again, which is the at-least-once promise.
        this.ctx.log.error({ err: error, delivery: row.id }, 'cannot record the outcome of a delivery');
      })
      .finally(() => {
        this.inFlight.delete(row.id);
        bump(this.perKind, row.channel_kind, -1);
        bump(this.perChannel, row.channel_id, -1);
        // Claiming costs a query: refill when a useful number of seats is free, not per send.
        const max = findChannelKind(row.channel_kind)?.maxConcurrency ?? 1;
        const inFlight = this.perKind.get(row.channel_kind) ?? 0;
        if (!this.stopped && (inFlight === 0 || max - inFlight >= Math.min(32, Math.ceil(max / 4)))) {
          void this.fill().catch((error: unknown) => this.ctx.log.error({ err: error }, 'claiming deliveries failed'));
        }
      });
    this.inFlight.set(row.id, work);
  }

  private async deliver(row: ClaimedDelivery): Promise<void> {
    const started = performance.now();
    try {
      await this.send(row);
    } catch (error) {
      if (error instanceof Cancelled) {
        await cancelDelivery(this.ctx.pool, row.id, row.lease_token, this.ctx.clock(), error.message);
        return;
      }
      if (this.shutdown.signal.aborted) {
        await releaseDelivery(this.ctx.pool, row.id, row.lease_token, this.ctx.clock());
        return;
      }
      await this.fail(row, error, performance.now() - started);
      return;
    }
    const recorded = await this.recordSent({ id: row.id, channelId: row.channel_id, token: row.lease_token, now: this.ctx.clock(), durationMs: performance.now() - started });
    if (!recorded) this.ctx.log.warn({ delivery: row.id }, 'delivery sent after its lease expired; another engine may send it again');
  }

  // Successes are written in batches: one statement per ~100 sends instead of one each, which
  // is what lets a burst of 10,000 alerts out in seconds. A failed batch (a deadlock with
  // another engine updating the same channels) is retried one by one.
  private recordSent(outcome: Outcome): Promise<boolean> {
    return new Promise((done, failed) => {
      this.sentQueue.push({ outcome, done, failed });
      if (this.sentQueue.length >= 100) this.flushSent();
      else this.flushTimer ??= setTimeout(() => this.flushSent(), 5);
    });
  }

  private flushSent(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.sentQueue.splice(0);
    if (batch.length === 0) return;
    void recordSentBatch(this.ctx.pool, batch.map((b) => b.outcome)).then(
      (ids) => {
        const recorded = new Set(ids);
        for (const b of batch) b.done(recorded.has(b.outcome.id));
      },
      async () => {
        for (const b of batch) await recordSent(this.ctx.pool, b.outcome).then(b.done, b.failed);
      },
    );
  }

  private async send(row: ClaimedDelivery): Promise<void> {
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.options.sendTimeoutMs)]);
    const sendContext: SendContext = {
      config: this.ctx.config,
      http: this.senders.http,
      mail: this.senders.mail,
      log: this.ctx.log.child({ delivery: row.id, channel: row.channel_code }),
      db: this.ctx.pool,
      channelStore: createChannelStore(this.ctx.pool, row.channel_id),
      rateLimiter: createRateLimiter(this.ctx.pool),
      signal,
    };
    if (row.kind === 'notice') return this.sendNotice(row, signal);
    if (row.channel_disabled) throw new Cancelled('channel disabled');
    const integration = findChannelKind(row.channel_kind);
    if (integration === undefined) throw new TransportError(`Unknown integration kind: ${row.channel_kind}`);
    let channel;
    try {
      channel = integration.open(row.channel_config);
    } catch (error) {
      if (error instanceof ChannelConfigError) throw new TransportError(`Invalid integration settings: ${error.message}`);
      throw error;
    }
    if (channel.isNoop(row.status)) throw new Cancelled(`the channel no longer sends "${row.status}" notifications`);
    const notice: Notice = {
      code: row.code,
      direction: row.status,
      summary: row.summary as Summary,
      channel: { code: row.channel_code, name: row.channel_name, unsubscribeKey: row.channel_unsubscribe_key },
      now: this.ctx.clock(),
    };
    await channel.send(notice, sendContext);
  }

  private async sendNotice(row: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    if (!isDisabledNotice(row.summary)) throw new TransportError('Malformed notice', { permanent: true });
    const owner = await channelOwner(this.ctx.pool, row.channel_id);
    if (owner?.email == null) throw new TransportError('The project has no owner to notify', { permanent: true });
    const site = { siteName: this.ctx.config.siteName, from: this.ctx.config.email.from };
    await this.senders.mail.send(disabledNoticeEmail(owner.email, row.summary, row.code, site), signal);
  }

  private async fail(row: ClaimedDelivery, error: unknown, durationMs: number): Promise<void> {
    if (!(error instanceof TransportError)) {
      this.ctx.log.error({ err: error, delivery: row.id }, 'integration threw an unexpected error');
    }
    const transportError = error instanceof TransportError ? error : new TransportError(`Internal error: ${error instanceof Error ? error.message : String(error)}`);
    const now = this.ctx.clock();
    const policy = { ...this.options.retryPolicy, horizonSeconds: this.ctx.config.alerts.retryHorizonSeconds };
    const retryAt = transportError.final
      ? null
      : nextAttemptAt(
          { queuedAt: row.queued_at, failedAttempts: row.attempts, now, retryAfterSeconds: transportError.retryAfter, random: this.options.random() },
          policy,
        );
    const disabled = await withTransaction(this.ctx.pool, async (client) => {
      const recorded = await recordFailure(client, { id: row.id, channelId: row.channel_id, token: row.lease_token, now, durationMs, error: transportError.message, retryAt });
      if (!recorded || !transportError.permanent || row.kind === 'notice') return false;
      if (!(await disableChannel(client, row.channel_id, now, transportError.message))) return false;
      await queueNotice(client, row, transportError.message, now);
      return true;
    });
    const fields = { delivery: row.id, channel: row.channel_code, kind: row.channel_kind, attempt: row.attempts, error: transportError.message };
    if (disabled) this.ctx.log.warn(fields, 'permanent error: channel disabled, project owner notified');
    else if (retryAt === null) this.ctx.log.warn(fields, 'delivery failed for good');
    else this.ctx.log.info({ ...fields, retryAt }, 'delivery failed; will retry');
  }
}

function bump<K>(map: Map<K, number>, key: K, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

async function queueNotice(client: pg.PoolClient, row: ClaimedDelivery, error: string, now: Date): Promise<void> {
  const owner = await channelOwner(client, row.channel_id);
  const label = findChannelKind(row.channel_kind)?.label ?? row.channel_kind;
  const notice: DisabledNotice = {
    type: 'channel-disabled',
    channel: { code: row.channel_code, name: row.channel_name, kind: row.channel_kind, label },
    project: { code: owner?.project_code ?? '', name: owner?.project_name ?? '' },
    error,
    at: now.toISOString(),
  };
  await insertDeliveries(
    client,
    [{ kind: 'notice', channelId: row.channel_id, channelKind: 'email', checkId: null, flipId: null, status: row.status, eventAt: now, summary: { ...notice }, code: randomUUID() }],
    now,
  );
}
