// What plan and apply print: a human report and the same facts as JSON (--json). Everything
// passes through the redactor on the way out, behind the masking done by construction.
import type { Change, Step } from '../ops/types.ts';
import type { Redactor } from '../secrets.ts';
import type { FleetApplyResult, HostOutcome } from './fleet.ts';
import { pendingChanges, type HostPlan } from './plan.ts';

export interface Report {
  readonly text: string;
  readonly json: unknown;
  /** 0 nothing to do / all done, 1 error, 2 changes pending (plan only). */
  readonly exitCode: 0 | 1 | 2;
}

function indent(text: string, prefix: string): string {
  return text.replace(/\n$/, '').replace(/^/gm, prefix);
}

function stepJson(step: Step): string {
  if (step.kind === 'run') return step.command.display + (step.stdin ? ` (with ${step.stdin.length} bytes on stdin)` : '');
  const check = step.validate ? `, checked with ${step.validate.name}` : '';
  return `write ${step.path} (${step.content.length} bytes, mode ${step.mode}, ${step.owner}:${step.group}${check}${step.keepPrevious ? ', previous kept as .fleet-prev' : ''})`;
}

function changeJson(id: string, change: Change) {
  return { op: id, summary: change.summary, diff: change.diff ?? null, commands: change.steps.map(stepJson) };
}

function planLines(plan: HostPlan): string[] {
  const lines: string[] = [];
  for (const p of plan.ops) {
    if (p.refusal !== null) lines.push(`  ! ${p.op.id}: REFUSED`, indent(p.refusal, '      '));
    if (p.change === null) continue;
    lines.push(`  ~ ${p.op.id}`, ...p.change.summary.map((s) => `      ${s}`));
    if (p.change.diff) lines.push(indent(p.change.diff, '        '));
  }
  return lines;
}

function hostTitle(o: HostOutcome): string {
  return `${o.host.name} (${o.host.address}:${o.host.port})`;
}

/** The report of `fleet plan`. */
export function planReport(outcomes: readonly HostOutcome[], redactor: Redactor): Report {
  const lines: string[] = [];
  let changes = 0;
  let changedHosts = 0;
  let failed = 0;
  let refused = 0;
  for (const o of outcomes) {
    if (o.error !== null || o.plan === null) {
      failed++;
      lines.push(`${hostTitle(o)}: ERROR`, indent(o.error ?? 'no plan', '    '), '');
      continue;
    }
    const pending = pendingChanges(o.plan).length;
    const refusals = o.plan.ops.filter((p) => p.refusal !== null).length;
    refused += refusals;
    changes += pending;
    if (pending > 0) changedHosts++;
    lines.push(`${hostTitle(o)}: ${pending === 0 && refusals === 0 ? 'no changes' : `${pending} change(s)${refusals > 0 ? `, ${refusals} refused` : ''}`}`);
    if (o.lockedBy) lines.push('  warning: the deploy lock is held (an apply may be running):', indent(o.lockedBy, '      '));
    lines.push(...planLines(o.plan), '');
  }
  const unchanged = outcomes.length - changedHosts - failed;
  lines.push(`Plan: ${changes} change(s) on ${changedHosts} host(s), ${unchanged} host(s) unchanged${failed > 0 ? `, ${failed} host(s) failed` : ''}${refused > 0 ? `, ${refused} operation(s) refused` : ''}.`);
  const json = {
    command: 'plan',
    hosts: outcomes.map((o) => ({
      name: o.host.name,
      address: `${o.host.address}:${o.host.port}`,
      status: o.error !== null ? 'error' : o.plan && (pendingChanges(o.plan).length > 0 || o.plan.ops.some((p) => p.refusal)) ? 'changes' : 'unchanged',
      error: o.error,
      lockedBy: o.lockedBy,
      changes: o.plan ? o.plan.ops.flatMap((p) => (p.change ? [changeJson(p.op.id, p.change)] : [])) : [],
      refused: o.plan ? o.plan.ops.flatMap((p) => (p.refusal ? [{ op: p.op.id, reason: p.refusal }] : [])) : [],
    })),
    summary: { changes, hostsWithChanges: changedHosts, hostsUnchanged: unchanged, hostsFailed: failed, refused },
  };
  const exitCode = failed > 0 || refused > 0 ? 1 : changes > 0 ? 2 : 0;
  return { text: redactor.redact(`${lines.join('\n')}\n`), json: JSON.parse(redactor.redact(JSON.stringify(json))), exitCode };
}

function converged(o: HostOutcome): boolean {
  return o.replan !== null && pendingChanges(o.replan).length === 0 && o.replan.ops.every((p) => p.refusal === null);
}

/** The report of `fleet apply`, ending with the idempotence proof (the re-plan). */
export function applyReport(result: FleetApplyResult, redactor: Redactor): Report {
  const lines: string[] = [];
  if (result.lockRefused.length > 0) {
    lines.push('Nothing was applied: the deploy lock is held on some hosts.', ...result.lockRefused.map((r) => indent(r, '  ')), '  Wait for that run to finish, or if it died, release the lock with `fleet lock release --force`.', '');
  }
  let applied = 0;
  let failed = 0;
  let notConverged = 0;
  let checked = 0;
  for (const o of result.hosts) {
    const done = o.apply?.applied ?? [];
    applied += done.length;
    if (result.lockRefused.length > 0 && o.error?.startsWith('not applied')) continue;
    lines.push(`${hostTitle(o)}: ${o.error !== null ? 'FAILED' : done.length === 0 ? 'nothing to change' : `applied ${done.length} change(s)`}`);
    for (const a of done) {
      lines.push(`  ✓ ${a.id}${a.replanned ? ' (planned again after an earlier package or user change)' : ''}`, ...a.summary.map((s) => `      ${s}`));
      if (a.diff) lines.push(indent(a.diff, '        '));
    }
    if (o.error !== null) {
      failed++;
      lines.push(indent(o.error, '  ✗ '));
    } else if (o.replan) {
      checked++;
      if (converged(o)) lines.push('  converged: a re-plan right after finds nothing to change');
      else {
        notConverged++;
        lines.push('  NOT CONVERGED: a re-plan right after still wants:', ...planLines(o.replan));
      }
    }
    lines.push('');
  }
  lines.push(...result.unlockProblems.map((p) => `warning: ${p}`));
  lines.push(`Apply: ${applied} change(s) applied; ${failed} host(s) failed.`);
  if (checked > 0) {
    lines.push(notConverged === 0 ? `Idempotence: proven on ${checked} host(s): the re-plan after apply is empty.` : `Idempotence: NOT CONVERGED on ${notConverged} of ${checked} host(s).`);
  }
  const json = {
    command: 'apply',
    lockRefused: result.lockRefused,
    hosts: result.hosts.map((o) => ({
      name: o.host.name,
      address: `${o.host.address}:${o.host.port}`,
      status: o.error !== null ? 'failed' : converged(o) ? 'converged' : 'not-converged',
      error: o.error,
      applied: (o.apply?.applied ?? []).map((a) => ({ op: a.id, summary: a.summary, diff: a.diff, replanned: a.replanned })),
      replan: o.replan ? o.replan.ops.flatMap((p) => (p.change ? [changeJson(p.op.id, p.change)] : [])) : null,
    })),
    unlockProblems: result.unlockProblems,
    summary: { applied, hostsFailed: failed, hostsNotConverged: notConverged, idempotent: notConverged === 0 && checked > 0 },
  };
  const ok = failed === 0 && notConverged === 0 && result.lockRefused.length === 0 && result.unlockProblems.length === 0;
  return { text: redactor.redact(`${lines.join('\n')}\n`), json: JSON.parse(redactor.redact(JSON.stringify(json))), exitCode: ok ? 0 : 1 };
}
