import type pg from 'pg';
import { recordPing, recordPings, type PingRecord, type PingResult } from '../../db/queries/pings.ts';

interface Waiting {
  record: PingRecord;
  resolve(result: PingResult): void;
  reject(error: unknown): void;
}

export interface BatcherOptions {
  /** Statements in flight at once; pings arriving beyond that wait and go together. */
  concurrency: number;
  /** Pings per statement at most. */
  maxBatch: number;
  /** Body bytes per statement at most (a larger single body still goes, alone). */
  maxBatchBytes: number;
}

// Deadlocks and serialisation failures roll the whole statement back: safe to repeat.
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

/** The error's SQLSTATE; undefined for errors that did not come from the server (lost connection, bug). */
const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * Application-level group commit. A ping is written at once while fewer than `concurrency`
 * statements are running, so an idle server adds no delay; when the database is busy, pings
 * that arrive meanwhile queue and the next free slot writes all of them (up to `maxBatch`) in
 * one statement and one commit. Each ping still gets its own result, only after the commit.
 * If a batch fails for a reason other than a lost connection, its pings are written one by
 * one, so a ping that cannot be recorded never takes others down with it.
 */
export class PingBatcher {
  private readonly queue: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly pool: () => pg.Pool,
    private readonly options: BatcherOptions,
  ) {}

  /** Records `record`; resolves after its commit. */
  record(record: PingRecord): Promise<PingResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchLength());
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.drain();
      });
    }
  }

  /** How many of the queued pings the next statement takes. */
  private batchLength(): number {
    let bytes = 0;
    let length = 0;
    for (const waiting of this.queue) {
      bytes += waiting.record.body.length;
      if (length >= this.options.maxBatch || (length > 0 && bytes > this.options.maxBatchBytes)) break;
      length++;
    }
    return length;
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const results = await withRetry(() => recordPings(this.pool(), batch.map((w) => w.record)));
      batch.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 || isUnavailable(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // One at a time, in arrival order: pings to one check must keep their order.
      for (const waiting of batch) {
        await withRetry(() => recordPing(this.pool(), waiting.record)).then(waiting.resolve, waiting.reject);
      }
    }
  }
}

async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const state = sqlState(error);
      if (attempt >= ATTEMPTS || state === undefined || !RETRYABLE.has(state)) throw error;
    }
  }
}

/** True for errors of reaching the database (no SQLSTATE, or connection, resource and operator classes). */
export function isUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  return state === undefined || /^(08|53|57)/.test(state) || RETRYABLE.has(state);
}
