// "Send test notification": one attempt, now, through the channel's integration, with a
// dummy check as Healthchecks' UI uses ("TEST", down, timeout). Used by the API route.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../context.ts';
import { buildSummary, type Summary } from '../core/summary.ts';
import type { Direction } from '../core/selection.ts';
import { recordChannelAttempt, type ChannelRow } from '../db/queries/channel-alerts.ts';
import { insertTestNotification } from '../db/queries/notifications.ts';
import { findChannelKind } from '../integrations/registry.ts';
import { ChannelConfigError, TransportError } from '../integrations/types.ts';
import { createChannelStore, createRateLimiter } from '../integrations/stores.ts';
import { createSenders } from './senders.ts';

export type TestResult =
  | { ok: true; direction: Direction }
  | { ok: false; error: string; permanent: boolean };

/** The summary of the dummy check, going `direction` at `now`. */
export function testSummary(direction: Direction, project: { code: string; name: string }, now: Date): Summary {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  return buildSummary({
    event: 'test',
    status: direction,
    reason: direction === 'down' ? 'timeout' : '',
    at: now,
    downSince: direction === 'up' ? dayAgo : null,
    check: {
      code: '00000000-0000-4000-8000-000000000000',
      name: 'TEST',
      slug: 'test',
      tags: '',
      desc: 'This is a test notification sent from Cronwarden.',
      kind: 'simple',
      timeoutSeconds: 86_400,
      graceSeconds: 3600,
      schedule: '* * * * *',
      tz: 'UTC',
      nPings: 42,
      createdAt: dayAgo,
      status: direction,
      lastPing: dayAgo,
      nextPing: null,
      started: false,
      lastDurationSeconds: null,
      manualResume: false,
      methods: '',
      startKw: '',
      successKw: '',
      failureKw: '',
      filterSubject: false,
      filterBody: false,
      filterHttpBody: false,
      filterDefaultFail: false,
      badgeKey: '00000000-0000-4000-8000-000000000000',
      channels: [],
    },
    project,
    lastPing: null,
    otherDownNames: [],
    otherDownCount: 0,
  });
}

/**
 * Sends one test notification ("down", or "up" when down is a no-op for the channel), logs it
 * as a notification and on the channel, and returns the outcome. Never retries, and never
 * disables the channel: the caller sees the error at once, and is usually fixing it.
 */
export async function sendTestNotification(ctx: AppContext, channel: ChannelRow, project: { code: string; name: string }): Promise<TestResult> {
  const integration = findChannelKind(channel.kind);
  if (integration === undefined) return { ok: false, error: `Unknown integration kind: ${channel.kind}`, permanent: true };
  let open;
  try {
    open = integration.open(channel.config);
  } catch (error) {
    if (error instanceof ChannelConfigError) return { ok: false, error: `Invalid integration settings: ${error.message}`, permanent: true };
    throw error;
  }
  const direction: Direction = open.isNoop('down') ? 'up' : 'down';
  const now = ctx.clock();
  const senders = createSenders(ctx.config);
  const started = performance.now();
  let result: TestResult;
  try {
    await open.send(
      {
        code: randomUUID(),
        direction,
        summary: testSummary(direction, project, now),
        channel: { code: channel.code, name: channel.name, unsubscribeKey: channel.unsubscribe_key },
        now,
      },
      {
        config: ctx.config,
        http: senders.http,
        mail: senders.mail,
        log: ctx.log,
        db: ctx.pool,
        channelStore: createChannelStore(ctx.pool, channel.id),
        rateLimiter: createRateLimiter(ctx.pool),
        signal: AbortSignal.timeout(60_000),
      },
    );
    result = { ok: true, direction };
  } catch (error) {
    if (!(error instanceof TransportError)) ctx.log.error({ err: error, channel: channel.code }, 'test notification threw');
    const message = error instanceof Error ? error.message : String(error);
    result = { ok: false, error: message, permanent: error instanceof TransportError && error.permanent };
  } finally {
    senders.close();
  }
  const duration = performance.now() - started;
  const error = result.ok ? '' : result.error;
  await insertTestNotification(ctx.pool, channel.id, now, duration, error);
  await recordChannelAttempt(ctx.pool, channel.id, now, duration, error);
  return result;
}
