// Flips → deliveries. Each unprocessed flip is turned into one delivery per selected channel
// (Healthchecks' select_channels) and marked processed in the same transaction, so a flip is
// never half-dispatched and never dispatched twice.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AppContext } from '../context.ts';
import { alertDirection, selectChannels, type CandidateChannel } from '../core/selection.ts';
import { withTransaction } from '../db/pool.ts';
import { channelsOfChecks, type CheckChannelRow } from '../db/queries/channel-alerts.ts';
import { cancelPendingReminders, insertDeliveries, type NewDelivery } from '../db/queries/deliveries.ts';
import { downSinceForFlips, lockPendingFlip, lockPendingFlips, markFlipsProcessed, pendingFlipIds, type PendingFlipRow } from '../db/queries/flips.ts';
import { deleteRemindersOfChecks } from '../db/queries/reminders.ts';
import { findChannelKind } from '../integrations/registry.ts';
import { buildSummaries } from './summaries.ts';

/**
 * Dispatches every unprocessed flip, oldest first, in batches. A batch that fails is redone
 * flip by flip; a flip that fails alone is logged and left for the next pass (its check's
 * later flips wait behind it, other checks go on).
 */
export async function dispatchFlips(ctx: AppContext, batchSize = 500, afterBatch: () => void = () => {}): Promise<number> {
  let total = 0;
  for (;;) {
    let count: number;
    try {
      count = await withTransaction(ctx.pool, async (client) => dispatchLocked(ctx, client, await lockPendingFlips(client, batchSize)));
    } catch (error) {
      ctx.log.error({ err: error }, 'flip dispatch batch failed; retrying flip by flip');
      return total + (await dispatchOneByOne(ctx, batchSize));
    }
    total += count;
    if (count > 0) afterBatch();
    // A batch takes one flip per check, so a short batch does not mean nothing is left.
    if (count === 0) return total;
  }
}

async function dispatchOneByOne(ctx: AppContext, limit: number): Promise<number> {
  let count = 0;
  for (const id of await pendingFlipIds(ctx.pool, limit)) {
    try {
      count += await withTransaction(ctx.pool, async (client) => {
        const flip = await lockPendingFlip(client, id);
        return dispatchLocked(ctx, client, flip === null ? [] : [flip]);
      });
    } catch (error) {
      ctx.log.error({ err: error, flipId: id }, 'flip cannot be dispatched; trying again next pass');
    }
  }
  return count;
}

async function dispatchLocked(ctx: AppContext, client: pg.PoolClient, flips: PendingFlipRow[]): Promise<number> {
  if (flips.length === 0) return 0;
  const now = ctx.clock();
  const checkIds = [...new Set(flips.map((f) => f.check_id))];
  const channels = groupByCheck(await channelsOfChecks(client, checkIds));
  const plans = flips
    .map((flip) => {
      const candidates = (channels.get(flip.check_id) ?? []).map((row) => candidate(ctx, row));
      const selected = selectChannels({ oldStatus: flip.old_status, newStatus: flip.new_status }, candidates);
      return { flip, direction: alertDirection({ oldStatus: flip.old_status, newStatus: flip.new_status }), channels: selected };
    })
    .filter((plan) => plan.direction !== null && plan.channels.length > 0);

  const downSince = await downSinceForFlips(client, plans.filter((p) => p.direction === 'up').map((p) => p.flip.id));
  const summaries = await buildSummaries(
    client,
    plans.map(({ flip, direction }) => ({
      checkId: flip.check_id,
      at: flip.created_at,
      event: 'flip' as const,
      status: direction ?? 'down',
      reason: flip.reason,
      downSince: downSince.get(flip.id) ?? null,
    })),
    now,
  );
  const deliveries: NewDelivery[] = [];
  plans.forEach(({ flip, direction, channels: selected }, i) => {
    const summary = summaries[i];
    if (summary === null || summary === undefined || direction === null) return;
    for (const channel of selected) {
      deliveries.push({
        kind: 'flip',
        channelId: channel.id,
        channelKind: channel.kind,
        checkId: flip.check_id,
        flipId: flip.id,
        status: direction,
        eventAt: flip.created_at,
        summary,
        code: randomUUID(),
      });
    }
  });
  await insertDeliveries(client, deliveries, now);
  // Any flip ends the check's previous down period: its reminders stop.
  await cancelPendingReminders(client, checkIds, now);
  await deleteRemindersOfChecks(client, checkIds);
  await markFlipsProcessed(client, flips.map((f) => f.id), now);
  if (deliveries.length > 0) ctx.log.info({ flips: flips.length, deliveries: deliveries.length }, 'flips dispatched');
  return flips.length;
}

function groupByCheck(rows: CheckChannelRow[]): Map<number, CheckChannelRow[]> {
  const map = new Map<number, CheckChannelRow[]>();
  for (const row of rows) map.set(row.check_id, [...(map.get(row.check_id) ?? []), row]);
  return map;
}

// A channel whose kind this version does not know, or whose stored settings no longer parse,
// is still queued: a newer engine may know it, and a send that fails is logged and retried,
// where silently dropping it would lose the alert.
function candidate(ctx: AppContext, row: CheckChannelRow): CandidateChannel<{ id: number; kind: string }> {
  const integration = findChannelKind(row.kind);
  let isNoop: CandidateChannel<unknown>['isNoop'] = () => false;
  if (integration === undefined) {
    ctx.log.warn({ channelId: row.id, kind: row.kind }, 'channel of an unknown kind; queued for an engine that knows it');
  } else {
    try {
      isNoop = integration.open(row.config).isNoop;
    } catch (error) {
      ctx.log.warn({ channelId: row.id, err: error }, 'channel settings do not parse; queued, the send will report it');
    }
  }
  return { id: { id: row.id, kind: row.kind }, disabled: row.disabled, isNoop };
}
