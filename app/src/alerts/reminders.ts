// Repeated "still down" reminders per channel. Discovery starts a reminder row for each down
// check and channel that asks for reminders; the due pass queues a reminder delivery and
// moves the row to its next time, or drops it when the down period is over.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { firstReminderAt, nextReminderAt } from '../core/reminders.ts';
import { withTransaction } from '../db/pool.ts';
import { insertDeliveries, type NewDelivery } from '../db/queries/deliveries.ts';
import {
  advanceReminder,
  deleteReminder,
  insertReminders,
  lockDueReminders,
  reminderCandidates,
  type DueReminderRow,
} from '../db/queries/reminders.ts';
import { findChannelKind } from '../integrations/registry.ts';
import { buildSummaries } from './summaries.ts';

/** The reminder interval a channel asks for (0 when none, or when down is a no-op for it). */
function reminderInterval(kind: string, config: unknown): number {
  try {
    const channel = findChannelKind(kind)?.open(config);
    return channel === undefined || channel.isNoop('down') ? 0 : channel.reminderInterval;
  } catch {
    return 0;
  }
}

/** Starts reminder rows for down checks whose channels ask for reminders; returns how many. */
export async function discoverReminders(ctx: AppContext, limit = 1000): Promise<number> {
  const now = ctx.clock();
  const candidates = await reminderCandidates(ctx.pool, limit);
  const rows = candidates.flatMap((c) => {
    const interval = reminderInterval(c.channel_kind, c.channel_config);
    if (interval === 0) return [];
    return [{ checkId: c.check_id, channelId: c.channel_id, flipId: c.flip_id, nextAt: firstReminderAt(c.down_since, interval, now) }];
  });
  await insertReminders(ctx.pool, rows);
  return rows.length;
}

/** Queues a delivery for every reminder due now; returns how many were queued. */
export async function queueDueReminders(ctx: AppContext, batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const { locked, queued } = await withTransaction(ctx.pool, async (client) => {
      const now = ctx.clock();
      const due = await lockDueReminders(client, now, batchSize);
      const live: Array<{ row: DueReminderRow; interval: number }> = [];
      for (const row of due) {
        const interval = row.channel_disabled ? 0 : reminderInterval(row.channel_kind, row.channel_config);
        const over = row.check_status !== 'down' || row.latest_flip_id !== row.flip_id || interval === 0;
        if (over) await deleteReminder(client, row.check_id, row.channel_id);
        else live.push({ row, interval });
      }
      const summaries = await buildSummaries(
        client,
        live.map(({ row }) => ({ checkId: row.check_id, at: now, event: 'reminder' as const, status: 'down' as const, reason: '' as const, downSince: row.down_since })),
        now,
      );
      const deliveries: NewDelivery[] = [];
      for (const [i, { row, interval }] of live.entries()) {
        const summary = summaries[i];
        if (summary === null || summary === undefined) continue;
        deliveries.push({
          kind: 'reminder',
          channelId: row.channel_id,
          channelKind: row.channel_kind,
          checkId: row.check_id,
          flipId: row.flip_id,
          status: 'down',
          eventAt: row.next_at,
          summary,
          code: randomUUID(),
        });
        await advanceReminder(client, row.check_id, row.channel_id, nextReminderAt(row.next_at, interval, now));
      }
      await insertDeliveries(client, deliveries, now);
      return { locked: due.length, queued: deliveries.length };
    });
    total += queued;
    if (locked < batchSize) return total;
  }
}
