// The deadline scan: checks whose alert_after has passed are decided by the pure rules
// (core/deadline.ts) and either go down with a timeout flip or get their real deadline.
import type pg from 'pg';
import type { AppContext } from '../context.ts';
import { decideDeadline, POISON_DELAY_SECONDS } from '../core/deadline.ts';
import { withTransaction } from '../db/pool.ts';
import {
  lockOverdueCheck,
  lockOverdueChecks,
  markChecksDown,
  overdueCheckIds,
  pushAlertAfter,
  setAlertAfter,
  timingOf,
  type DownTransition,
  type OverdueCheckRow,
} from '../db/queries/check-alerts.ts';

export interface ScanResult {
  down: number;
  rescheduled: number;
  poisoned: number;
  /** Overdue checks may remain (the batch limit was reached). */
  more?: boolean;
}

const empty = (): ScanResult => ({ down: 0, rescheduled: 0, poisoned: 0 });

/**
 * Handles every check overdue at the clock's now, in batches. Never throws for one bad check:
 * a batch that fails is redone check by check, and a check that fails alone is pushed
 * forward one hour. Throws only when the database itself is unreachable.
 */
export async function scanDeadlines(ctx: AppContext, batchSize = 500, maxBatches = Infinity): Promise<ScanResult> {
  const total = empty();
  for (let batch = 0; ; batch++) {
    if (batch >= maxBatches) return { ...total, more: true };
    const now = ctx.clock();
    let result: ScanResult & { locked: number };
    try {
      result = await withTransaction(ctx.pool, async (client) => applyDecisions(ctx, client, await lockOverdueChecks(client, now, batchSize), now));
    } catch (error) {
      ctx.log.error({ err: error }, 'deadline scan batch failed; retrying check by check');
      result = await scanOneByOne(ctx, now, batchSize);
    }
    add(total, result);
    if (result.locked < batchSize) return total;
  }
}

async function applyDecisions(ctx: AppContext, client: pg.PoolClient, rows: OverdueCheckRow[], now: Date) {
  const result = { ...empty(), locked: rows.length };
  const down: DownTransition[] = [];
  const moveIds: number[] = [];
  const moveTo: (Date | null)[] = [];
  for (const row of rows) {
    const decision = decideDeadline(timingOf(row), now);
    if (decision.action === 'down') {
      down.push({ id: row.id, oldStatus: decision.oldStatus, flipAt: decision.flipAt });
      continue;
    }
    moveIds.push(row.id);
    moveTo.push(decision.alertAfter);
    if (decision.action === 'poison') {
      result.poisoned++;
      ctx.log.warn({ check: row.code, error: decision.error, retryAt: decision.alertAfter }, 'check status cannot be computed; trying again in one hour');
    } else {
      result.rescheduled++;
    }
  }
  result.down = (await markChecksDown(client, down)).length;
  await setAlertAfter(client, moveIds, moveTo);
  if (result.down > 0) ctx.log.info({ checks: result.down }, 'checks went down');
  return result;
}

async function scanOneByOne(ctx: AppContext, now: Date, limit: number): Promise<ScanResult & { locked: number }> {
  const result = { ...empty(), locked: 0 };
  for (const id of await overdueCheckIds(ctx.pool, now, limit)) {
    try {
      const one = await withTransaction(ctx.pool, async (client) => {
        const row = await lockOverdueCheck(client, id, now);
        return applyDecisions(ctx, client, row === null ? [] : [row], now);
      });
      add(result, one);
      result.locked += one.locked;
    } catch (error) {
      ctx.log.error({ err: error, checkId: id }, 'check breaks the deadline scan; pushing it forward one hour');
      await pushAlertAfter(ctx.pool, id, new Date(now.getTime() + POISON_DELAY_SECONDS * 1000)).catch((pushError: unknown) => {
        ctx.log.error({ err: pushError, checkId: id }, 'cannot push the check forward');
      });
      result.poisoned++;
    }
  }
  // Less than a full batch: the caller stops scanning until the next pass.
  result.locked = Math.min(result.locked, limit - 1);
  return result;
}


function add(total: ScanResult, more: ScanResult): void {
  total.down += more.down;
  total.rescheduled += more.rescheduled;
  total.poisoned += more.poisoned;
}
