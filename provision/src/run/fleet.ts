// Fleet-wide runs: connect to every selected host (several at once, bounded), then plan, or
// lock → plan → apply → re-plan → audit → unlock. One host's failure never stops the others;
// a lock held by someone else stops the whole apply before anything changes.
import type { Host } from '../inventory/types.ts';
import type { Operation } from '../ops/types.ts';
import type { Redactor } from '../secrets.ts';
import { TransportError, type Connector, type Transport } from '../transport/types.ts';
import { applyHost, type HostApplyResult } from './apply.ts';
import { auditCommand, auditLine } from './audit.ts';
import { acquireLockCommand, lockStatusCommand, parseLockResult, releaseLockCommand, type RunIdentity } from './lock.ts';
import { mapLimit } from './parallel.ts';
import { pendingChanges, planHost, type HostPlan } from './plan.ts';

export interface FleetOptions {
  readonly connector: Connector;
  /** Hosts worked on at once. */
  readonly parallel: number;
  readonly adopt: boolean;
  readonly redactor: Redactor;
  readonly now: () => Date;
  /** Called as things happen, for progress output (stderr). */
  readonly progress?: (host: string, message: string) => void;
}

export interface HostOutcome {
  readonly host: Host;
  readonly plan: HostPlan | null;
  readonly apply: HostApplyResult | null;
  /** The plan made after applying; empty means converged. */
  readonly replan: HostPlan | null;
  /** Who holds this host's lock, when someone does (plan only warns). */
  readonly lockedBy: string | null;
  readonly error: string | null;
}

function message(error: unknown, redactor: Redactor): string {
  return redactor.redact(error instanceof Error ? error.message : String(error));
}

function outcome(host: Host, fields: Partial<Omit<HostOutcome, 'host'>> = {}): HostOutcome {
  return { host, plan: null, apply: null, replan: null, lockedBy: null, error: null, ...fields };
}

type Connected = { host: Host; transport: Transport } | { host: Host; error: string };

async function connectAll(hosts: readonly Host[], options: FleetOptions): Promise<Connected[]> {
  const results = await mapLimit(hosts, options.parallel, async (host) => {
    options.progress?.(host.name, 'connecting');
    return options.connector.connect(host);
  });
  return results.map((r) => (r.status === 'fulfilled' ? { host: r.item, transport: r.value } : { host: r.item, error: message(r.reason, options.redactor) }));
}

async function closeAll(connected: readonly Connected[]): Promise<void> {
  await Promise.all(connected.map((c) => ('transport' in c ? c.transport.close().catch(() => undefined) : undefined)));
}

async function lockHolder(transport: Transport): Promise<string | null> {
  const status = await transport.run(lockStatusCommand());
  const [first, ...rest] = status.stdout.split('\n');
  return first === 'held' ? rest.join('\n').trim() || '(unknown holder)' : null;
}

/** Plans every host: read-only, no lock taken (a held lock is reported as a warning). */
export async function planFleet(hosts: readonly Host[], opsFor: (host: Host) => readonly Operation[], options: FleetOptions): Promise<HostOutcome[]> {
  const connected = await connectAll(hosts, options);
  try {
    const results = await mapLimit(connected, options.parallel, async (c) => {
      if ('error' in c) return outcome(c.host, { error: c.error });
      options.progress?.(c.host.name, 'reading facts');
      try {
        const lockedBy = await lockHolder(c.transport);
        return outcome(c.host, { plan: await planHost(c.transport, opsFor(c.host), options), lockedBy });
      } catch (error) {
        return outcome(c.host, { error: message(error, options.redactor) });
      }
    });
    return results.map((r) => (r.status === 'fulfilled' ? r.value : outcome(r.item.host, { error: message(r.reason, options.redactor) })));
  } finally {
    await closeAll(connected);
  }
}

/** Takes the lock on every reachable host; on any refusal releases what it took and says who holds it. */
async function lockAll(connected: readonly Connected[], id: RunIdentity, options: FleetOptions): Promise<{ locked: Transport[]; refused: string[] }> {
  const reachable = connected.flatMap((c) => ('transport' in c ? [c.transport] : []));
  const results = await mapLimit(reachable, options.parallel, async (transport) => {
    const result = await transport.run(acquireLockCommand(id, options.now()));
    const parsed = parseLockResult(result.stdout);
    if (parsed === null) throw new TransportError('closed', `${transport.host.name}: could not take the deploy lock (exit ${result.exitCode}): ${result.stderr.trim()}`);
    return parsed;
  });
  const locked: Transport[] = [];
  const refused: string[] = [];
  results.forEach((r) => {
    const transport = r.item;
    if (r.status === 'fulfilled' && r.value.acquired) locked.push(transport);
    else if (r.status === 'fulfilled' && !r.value.acquired) refused.push(`${transport.host.name} is locked:\n${r.value.details.replace(/^/gm, '    ')}`);
    else refused.push(message(r.status === 'rejected' ? r.reason : null, options.redactor));
  });
  return { locked, refused };
}

async function unlockAll(locked: readonly Transport[], runId: string, options: FleetOptions): Promise<string[]> {
  const results = await mapLimit(locked, options.parallel, (transport) => transport.run(releaseLockCommand(runId)));
  return results.flatMap((r) => {
    const name = r.item.host.name;
    if (r.status === 'fulfilled' && r.value.stdout.startsWith('released')) return [];
    return [`${name}: the deploy lock may still be held: ${r.status === 'rejected' ? message(r.reason, options.redactor) : r.value.stdout.trim()}; check with \`fleet lock status\``];
  });
}

async function applyOne(transport: Transport, ops: readonly Operation[], id: RunIdentity, options: FleetOptions): Promise<HostOutcome> {
  const host = transport.host;
  let plan: HostPlan;
  try {
    options.progress?.(host.name, 'planning');
    plan = await planHost(transport, ops, options);
  } catch (error) {
    return outcome(host, { error: message(error, options.redactor) });
  }
  if (pendingChanges(plan).length === 0 && plan.ops.every((p) => p.refusal === null)) {
    return outcome(host, { plan, apply: { applied: [], touched: false, error: null }, replan: plan });
  }
  options.progress?.(host.name, `applying ${pendingChanges(plan).length} change(s)`);
  const apply = await applyHost(transport, plan, options);
  let replan: HostPlan | null = null;
  let error = apply.error;
  if (error === null) {
    try {
      options.progress?.(host.name, 're-planning');
      replan = await planHost(transport, ops, options);
    } catch (e) {
      error = `re-plan failed: ${message(e, options.redactor)}`;
    }
  }
  if (apply.touched) {
    const result = error === null ? `ok changes=${apply.applied.length}` : `failed after ${apply.applied.length} change(s): ${error.split('\n')[0]}`;
    await transport.run(auditCommand(options.redactor.redact(auditLine(id, options.now(), result)))).catch(() => undefined);
  }
  return outcome(host, { plan, apply, replan, error });
}

export interface FleetApplyResult {
  readonly hosts: readonly HostOutcome[];
  /** Set when the lock could not be taken everywhere: nothing was changed anywhere. */
  readonly lockRefused: readonly string[];
  /** Hosts whose lock could not be released. */
  readonly unlockProblems: readonly string[];
}

/** Locks, applies and re-plans every host; always releases the locks it took. */
export async function applyFleet(hosts: readonly Host[], opsFor: (host: Host) => readonly Operation[], id: RunIdentity, options: FleetOptions): Promise<FleetApplyResult> {
  const connected = await connectAll(hosts, options);
  try {
    const { locked, refused } = await lockAll(connected, id, options);
    if (refused.length > 0) {
      const unlockProblems = await unlockAll(locked, id.runId, options);
      return { hosts: connected.map((c) => outcome(c.host, { error: 'error' in c ? c.error : 'not applied: the deploy lock is held elsewhere' })), lockRefused: refused, unlockProblems };
    }
    try {
      const results = await mapLimit(connected, options.parallel, async (c) => ('error' in c ? outcome(c.host, { error: c.error }) : applyOne(c.transport, opsFor(c.host), id, options)));
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : outcome(r.item.host, { error: message(r.reason, options.redactor) })));
      return { hosts: outcomes, lockRefused: [], unlockProblems: await unlockAll(locked, id.runId, options) };
    } catch (error) {
      await unlockAll(locked, id.runId, options);
      throw error;
    }
  } finally {
    await closeAll(connected);
  }
}
