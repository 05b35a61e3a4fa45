// Helpers for integration tests: a realistic notice and a SendContext wired to real local
// receivers. Every integration's test builds on these.
import { loadConfig, type Config } from '../config.ts';
import { buildSummary, type Summary, type SummaryFacts } from '../core/summary.ts';
import type { Queryable } from '../db/pool.ts';
import { createLogger } from '../log.ts';
import { createMailSender } from './email/sender.ts';
import { createHttpClient } from './http.ts';
import type { Direction, Notice, SendContext } from './types.ts';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export const NOW = new Date('2026-01-15T12:00:00Z');

/** The facts of a down flip of check "Backups" at 11:10 after a success ping at 10:00. */
export function summaryFacts(overrides: Partial<SummaryFacts> = {}): SummaryFacts {
  return {
    event: 'flip',
    status: 'down',
    reason: 'timeout',
    at: new Date('2026-01-15T11:10:00Z'),
    downSince: null,
    check: {
      code: '6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90',
      name: 'Backups',
      slug: 'backups',
      tags: 'prod db',
      desc: 'Nightly database backup',
      kind: 'simple',
      timeoutSeconds: 3600,
      graceSeconds: 600,
      schedule: '* * * * *',
      tz: 'UTC',
      nPings: 42,
      createdAt: new Date('2025-12-01T00:00:00Z'),
      status: 'down',
      lastPing: new Date('2026-01-15T10:00:00Z'),
      nextPing: null,
      started: false,
      lastDurationSeconds: 12,
      manualResume: false,
      methods: '',
      startKw: '',
      successKw: '',
      failureKw: '',
      filterSubject: false,
      filterBody: false,
      filterHttpBody: false,
      filterDefaultFail: false,
      badgeKey: '0c2d7a38-6e41-4f0e-8d2b-5a6b7c8d9e0f',
      channels: ['b1f5c0de-0000-4000-8000-000000000002', 'a1f5c0de-0000-4000-8000-000000000001'],
    },
    project: { code: '7e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', name: 'Infra' },
    lastPing: {
      n: 42,
      kind: 'success',
      at: new Date('2026-01-15T10:00:00Z'),
      scheme: 'https',
      remoteAddr: '192.0.2.7',
      method: 'POST',
      exitStatus: 0,
      body: new TextEncoder().encode('backup done: 12 GB'),
    },
    otherDownNames: [],
    otherDownCount: 0,
    ...overrides,
  };
}

/** A notice for the summary built from `facts`. */
export function testNotice(options: { facts?: Partial<SummaryFacts>; direction?: Direction; summary?: Summary } = {}): Notice {
  const summary = options.summary ?? buildSummary(summaryFacts(options.facts));
  return {
    code: '3f2a9c1b-5d6e-4f70-8a91-b2c3d4e5f607',
    direction: options.direction ?? summary.status,
    summary,
    channel: { code: 'c0ffee00-1111-4222-8333-444455556666', name: 'Ops', unsubscribeKey: 'k'.repeat(64) },
    now: NOW,
  };
}

/**
 * A SendContext with real clients: HTTP allowed to reach loopback (as INTEGRATIONS_ALLOW_PRIVATE_IPS=true)
 * and SMTP to `env`'s EMAIL_* (unset: not configured). Closed at teardown. Integrations that
 * keep state pass `db` (from testDatabase); without it, any query fails saying so.
 */
export function testSendContext(t: TestLike, env: Record<string, string> = {}, options: { db?: Queryable } = {}): SendContext & { config: Config } {
  const config = loadConfig({ INTEGRATIONS_ALLOW_PRIVATE_IPS: 'true', SITE_ROOT: 'https://cw.example.org', ...env });
  const http = createHttpClient({ ...config.integrations, timeoutMs: 2000 });
  const mail = createMailSender(config.email);
  t.teardown(() => {
    http.close();
    mail.close();
  });
  return { config, http, mail, log: createLogger('silent'), db: options.db ?? NO_DATABASE, signal: new AbortController().signal };
}

// pg's query() has a dozen overloads; a stand-in that only ever rejects cannot match them
// all by type, hence the one cast.
const NO_DATABASE = {
  query: () => Promise.reject(new Error('this test gave testSendContext no database: pass { db } from testDatabase(t)')),
} as unknown as Queryable;
