// Planning: read every fact an operation needs, then ask each operation, in order, for the
// change it needs. Reading is the only I/O; planOps itself is pure.
import { createHash } from 'node:crypto';
import { FactError } from '../facts/types.ts';
import type { Host } from '../inventory/types.ts';
import { Refusal, type Change, type Notify, type Operation, type PlanContext } from '../ops/types.ts';
import type { Redactor } from '../secrets.ts';
import type { Transport } from '../transport/types.ts';

const FACT_TIMEOUT_MS = 60_000;

export interface PlannedOp {
  readonly op: Operation;
  /** Digest of the operation's precondition when planned; apply compares it before acting. */
  readonly fingerprint: string;
  readonly change: Change | null;
  /** Why the operation refuses to proceed on its own; null when it does not. */
  readonly refusal: string | null;
}

export interface HostPlan {
  readonly host: Host;
  readonly ops: readonly PlannedOp[];
}

export interface PlanOptions {
  readonly adopt: boolean;
  readonly redactor: Redactor;
}

type Notified = Map<string, { restart: string[]; reload: string[] }>;

/** A fact command failed or printed what its parser cannot read. */
export class FactReadError extends Error {
  override name = 'FactReadError';
}

/** Runs the fact commands of `ops` (each distinct fact once) and parses their output. */
export async function gatherFacts(transport: Transport, ops: readonly Operation[]): Promise<Map<string, unknown>> {
  const facts = new Map<string, unknown>();
  for (const op of ops) {
    for (const fact of Object.values(op.facts)) {
      if (facts.has(fact.key)) continue;
      const output = await transport.run(fact.command, { timeoutMs: FACT_TIMEOUT_MS });
      try {
        facts.set(fact.key, fact.parse(output));
      } catch (error) {
        if (!(error instanceof FactError)) throw error;
        throw new FactReadError(`${transport.host.name}: reading ${fact.key} for ${op.id}: ${error.message}`);
      }
    }
  }
  return facts;
}

/** The facts `op` asked for, by its own names. */
export function haveOf(op: Operation, facts: ReadonlyMap<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op.facts).map(([name, fact]) => [name, facts.get(fact.key)]));
}

function stable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return createHash('sha256').update(value).digest('hex');
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Digest of what must not change between plan and apply for `op`. */
export function fingerprintOf(op: Operation, have: Record<string, unknown>): string {
  const pre = op.precondition ? op.precondition(have) : have;
  return createHash('sha256').update(JSON.stringify(stable(pre)) ?? 'undefined').digest('hex');
}

/** Records that `op` changed, for the units it notifies. */
export function notifyFrom(notified: Notified, op: Operation): void {
  for (const n of op.notify ?? ([] as readonly Notify[])) {
    const entry = notified.get(n.unit) ?? { restart: [], reload: [] };
    entry[n.action].push(`${op.id.replace(/^file /, '')} changed`);
    notified.set(n.unit, entry);
  }
}

/** Plans one operation; a Refusal becomes the planned refusal. */
export function planOne(op: Operation, have: Record<string, unknown>, ctx: PlanContext): PlannedOp {
  const fingerprint = fingerprintOf(op, have);
  try {
    return { op, fingerprint, change: op.plan(have, ctx), refusal: null };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { op, fingerprint, change: null, refusal: ctx.redactor.redact(error.message) };
  }
}

/** Every operation's change given the facts, in order (earlier changes notify later units). */
export function planOps(ops: readonly Operation[], facts: ReadonlyMap<string, unknown>, options: PlanOptions): PlannedOp[] {
  const notified: Notified = new Map();
  const ctx: PlanContext = { notified, adopt: options.adopt, redactor: options.redactor };
  return ops.map((op) => {
    const planned = planOne(op, haveOf(op, facts), ctx);
    if (planned.change) notifyFrom(notified, op);
    return planned;
  });
}

/** Reads the facts on `transport`'s host and plans `ops` there. */
export async function planHost(transport: Transport, ops: readonly Operation[], options: PlanOptions): Promise<HostPlan> {
  const facts = await gatherFacts(transport, ops);
  return { host: transport.host, ops: planOps(ops, facts, options) };
}

/** Operations with something to do. */
export function pendingChanges(plan: HostPlan): PlannedOp[] {
  return plan.ops.filter((p) => p.change !== null);
}
