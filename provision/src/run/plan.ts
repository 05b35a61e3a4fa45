// Planning: read every fact an operation needs, then ask each operation, in order, for the
// change it needs. Reading is the only I/O; planOps itself is pure.
import { createHash } from 'node:crypto';
import { FactError, type CommandOutput, type Fact } from '../facts/types.ts';
import { join, sh, type ShellCommand } from '../shell.ts';
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

/**
 * One script running every fact command in its own subshell, then printing, per fact and in
 * order, `<exit code> <stdout base64> <stderr base64>`. A host's facts cost one round trip,
 * not one per fact (each SSH exec is a new session on the host: tens to hundreds of ms).
 */
export function batchCommand(facts: readonly Fact<unknown>[]): ShellCommand {
  const runs = facts.map((fact, i) => sh`( ${fact.command} ) >"$d"/${i}.o 2>"$d"/${i}.e </dev/null; echo $? >"$d"/${i}.r`);
  return sh`d=$(mktemp -d) || exit 1
trap 'rm -rf -- "$d"' EXIT
${join(runs, '\n')}
i=0; while [ $i -lt ${facts.length} ]; do printf '%s %s %s\n' "$(cat "$d/$i.r")" "$(base64 -w0 "$d/$i.o")" "$(base64 -w0 "$d/$i.e")"; i=$((i + 1)); done`;
}

/** Splits the batch output into one CommandOutput per fact; null when it is not well formed. */
export function splitBatch(stdout: string, count: number): CommandOutput[] | null {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== count) return null;
  const outputs: CommandOutput[] = [];
  for (const line of lines) {
    const [rc = '', out = '', err = ''] = line.split(' ');
    if (!/^\d+$/.test(rc)) return null;
    outputs.push({ exitCode: Number(rc), stdout: Buffer.from(out, 'base64').toString('utf8'), stderr: Buffer.from(err, 'base64').toString('utf8') });
  }
  return outputs;
}

/** Runs the fact commands of `ops` (each distinct fact once, all in one batch) and parses them. */
export async function gatherFacts(transport: Transport, ops: readonly Operation[]): Promise<Map<string, unknown>> {
  const wanted = new Map<string, { fact: Fact<unknown>; op: Operation }>();
  for (const op of ops) for (const fact of Object.values(op.facts)) if (!wanted.has(fact.key)) wanted.set(fact.key, { fact, op });
  const list = [...wanted.values()];
  const facts = new Map<string, unknown>();
  if (list.length === 0) return facts;
  const batch = await transport.run(batchCommand(list.map((w) => w.fact)), { timeoutMs: FACT_TIMEOUT_MS });
  const outputs = batch.exitCode === 0 ? splitBatch(batch.stdout, list.length) : null;
  if (outputs === null) throw new FactReadError(`${transport.host.name}: reading facts failed (exit ${batch.exitCode}): ${batch.stderr.trim().slice(0, 300)}`);
  list.forEach(({ fact, op }, i) => {
    try {
      facts.set(fact.key, fact.parse(outputs[i] as CommandOutput));
    } catch (error) {
      if (!(error instanceof FactError)) throw error;
      throw new FactReadError(`${transport.host.name}: reading ${fact.key} for ${op.id}: ${error.message}`);
    }
  });
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
