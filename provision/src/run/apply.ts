// Applying one host's plan. Before each operation runs, its facts are read again: if they no
// longer match the plan, someone changed the host behind our back and the host is aborted
// (unless an earlier package or user change of this same run explains it: then the operation
// is planned again). Steps run in order; the first failure stops the host.
import { randomBytes } from 'node:crypto';
import { Refusal, type Change, type Operation, type PlanContext, type Step } from '../ops/types.ts';
import type { Redactor } from '../secrets.ts';
import type { Transport } from '../transport/types.ts';
import { uploadCommand, VALIDATION_FAILED } from '../transport/upload.ts';
import { fingerprintOf, gatherFacts, haveOf, notifyFrom, type HostPlan } from './plan.ts';

const STEP_TIMEOUT_MS = 600_000;

export interface AppliedOp {
  readonly id: string;
  readonly summary: readonly string[];
  /** The masked diff of the file it wrote, if any. */
  readonly diff: string | null;
  /** Planned again at apply time because an earlier broad change (packages) altered its facts. */
  readonly replanned: boolean;
}

export interface HostApplyResult {
  readonly applied: readonly AppliedOp[];
  /** Why the host stopped early; null when every operation went through. */
  readonly error: string | null;
  /** Whether anything was run that may have changed the host. */
  readonly touched: boolean;
}

export interface ApplyOptions {
  readonly adopt: boolean;
  readonly redactor: Redactor;
}

class StepError extends Error {}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function runStep(transport: Transport, step: Step, redactor: Redactor): Promise<void> {
  if (step.kind === 'upload') {
    const result = await transport.run(uploadCommand(step, randomBytes(6).toString('hex')), { stdin: step.content, timeoutMs: STEP_TIMEOUT_MS });
    if (result.exitCode === VALIDATION_FAILED) throw new StepError(redactor.redact(`validation failed for ${step.path}:\n${tail(result.stderr)}`));
    if (result.exitCode !== 0) throw new StepError(redactor.redact(`writing ${step.path} failed (exit ${result.exitCode}):\n${tail(result.stderr)}`));
    return;
  }
  const result = await transport.run(step.command, { timeoutMs: STEP_TIMEOUT_MS, ...(step.stdin ? { stdin: step.stdin } : {}) });
  let problem: string | null = null;
  if (result.exitCode !== 0) problem = `\`${step.command.display}\` failed (exit ${result.exitCode}):\n${tail(result.stderr || result.stdout)}`;
  else if (step.expect && result.stdout !== step.expect.stdout) problem = `${step.expect.what}:\n${tail(result.stdout)}`;
  if (problem === null) return;
  if (step.diagnose) {
    const diag = await transport.run(step.diagnose, { timeoutMs: 30_000 }).catch(() => null);
    if (diag) problem += `\n${tail(diag.stdout + diag.stderr, 25)}`;
  }
  throw new StepError(redactor.redact(problem));
}

/** Applies `plan` on its host; never throws for a host problem (it is the result's error). */
export async function applyHost(transport: Transport, plan: HostPlan, options: ApplyOptions): Promise<HostApplyResult> {
  const applied: AppliedOp[] = [];
  const refusals = plan.ops.filter((p) => p.refusal !== null);
  if (refusals.length > 0) {
    return { applied, touched: false, error: `nothing applied: ${refusals.map((r) => `${r.op.id}: ${r.refusal}`).join('\n')}` };
  }
  const notified = new Map<string, { restart: string[]; reload: string[] }>();
  const ctx: PlanContext = { notified, adopt: options.adopt, redactor: options.redactor };
  let broadChanged = false;
  let touched = false;
  for (const planned of plan.ops) {
    if (planned.change === null && !broadChanged) continue;
    const op: Operation = planned.op;
    let change: Change | null = planned.change;
    let replanned = false;
    try {
      const have = haveOf(op, await gatherFacts(transport, [op]));
      if (fingerprintOf(op, have) !== planned.fingerprint) {
        if (!broadChanged) {
          return { applied, touched, error: `STALE PLAN: ${op.id} changed on ${plan.host.name} after it was planned (someone else at work?). Nothing more was done on this host; run \`fleet plan\` again and review.` };
        }
        change = op.plan(have, ctx);
        replanned = true;
      }
      if (change === null) continue;
      touched = true;
      for (const step of change.steps) await runStep(transport, step, options.redactor);
    } catch (error) {
      if (error instanceof Refusal) return { applied, touched, error: `${op.id}: ${options.redactor.redact(error.message)}` };
      if (error instanceof StepError) return { applied, touched, error: `${op.id}: ${error.message}` };
      const message = error instanceof Error ? error.message : String(error);
      return { applied, touched, error: `${op.id}: ${options.redactor.redact(message)}` };
    }
    notifyFrom(notified, op);
    if (op.broad) broadChanged = true;
    applied.push({ id: op.id, summary: change.summary, diff: change.diff ?? null, replanned });
  }
  return { applied, touched, error: null };
}
