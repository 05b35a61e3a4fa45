import { createHash } from 'node:crypto';
import { fileFact, type FileState } from '../facts/files.ts';
import { unitFact, type UnitState } from '../facts/systemd.ts';
import { fileDiff } from '../render/diff.ts';
import type { Rendered } from '../render/template.ts';
import { sh } from '../shell.ts';
import { pendingMarker } from './files.ts';
import { run, Refusal, type Change, type Operation, type PlanContext, type Step } from './types.ts';
import { systemdUnitValidator } from './validators.ts';

export const UNIT_DIR = '/etc/systemd/system';

export interface UnitWant {
  readonly name: string;
  /** The unit file to install in /etc/systemd/system; null for a unit a package ships. */
  readonly content: Rendered | null;
  readonly enabled: boolean;
  readonly running: boolean;
  /** Whether `systemctl reload` is meaningful (ExecReload=); else a reload request restarts. */
  readonly reloadable: boolean;
  /** Seconds the unit must stay active after a start or restart; 0 skips the check. */
  readonly settle: number;
}

export interface UnitHave {
  readonly file: FileState;
  readonly unit: UnitState;
  readonly pendingRestart: FileState;
  readonly pendingReload: FileState;
}

function reasons(marker: FileState): string[] {
  if (!marker.exists || !marker.content) return [];
  return marker.content.toString('utf8').split('\n').filter(Boolean).map((r) => `${r} (left pending by an earlier run)`);
}

function unitFileStep(want: UnitWant, have: UnitHave, ctx: PlanContext): { steps: Step[]; summary: string[]; diff?: string } {
  if (want.content === null) return { steps: [], summary: [] };
  const path = `${UNIT_DIR}/${want.name}`;
  const bytes = Buffer.from(want.content.text, 'utf8');
  const sha = createHash('sha256').update(bytes).digest('hex');
  const file = have.file;
  if (file.exists && file.sha256 === sha && file.mode === '0644' && file.owner === 'root' && file.group === 'root') return { steps: [], summary: [] };
  if (file.exists && file.type !== 'file') throw new Refusal(`${path} is a ${file.type}, not a file: move it away by hand`);
  const diff = fileDiff(path, file.exists ? file.content : null, want.content, ctx.redactor);
  return {
    summary: [`${file.exists ? 'update' : 'install'} unit file ${path}, checked with systemd-analyze verify`],
    steps: [
      { kind: 'upload', path, content: bytes, mode: '0644', owner: 'root', group: 'root', validate: systemdUnitValidator(want.name), keepPrevious: file.exists },
    ],
    ...(diff.diff ? { diff: diff.diff } : {}),
  };
}

/** Start, restart or reload, with the reason; null when the running unit can stay as it is. */
function activation(want: UnitWant, have: UnitHave, fileChanged: boolean, ctx: PlanContext): { verb: string; reason: string } | null {
  const active = have.unit.activeState === 'active' || have.unit.activeState === 'reloading';
  if (!want.running) return active ? { verb: 'stop', reason: 'it must not run' } : null;
  if (!active) return { verb: 'start', reason: `it is ${have.unit.activeState}` };
  if (fileChanged) return { verb: 'restart', reason: 'its unit file changed' };
  if (have.unit.needDaemonReload) return { verb: 'restart', reason: 'it runs from an older copy of its unit file' };
  const notified = ctx.notified.get(want.name);
  const restart = [...(notified?.restart ?? []), ...reasons(have.pendingRestart)];
  const reload = [...(notified?.reload ?? []), ...reasons(have.pendingReload)];
  if (restart.length > 0) return { verb: 'restart', reason: restart.join('; ') };
  if (reload.length > 0) return { verb: want.reloadable ? 'reload' : 'restart', reason: reload.join('; ') };
  return null;
}

/** Unit file, daemon-reload, enable/disable, start/stop/restart/reload: only what is needed. */
export function unitChange(want: UnitWant, have: UnitHave, ctx: PlanContext): Change | null {
  if (have.unit.loadState === 'masked' || have.unit.unitFileState === 'masked') {
    throw new Refusal(`${want.name} is masked (someone fenced it on purpose?): unmask it by hand if it should run`);
  }
  const file = unitFileStep(want, have, ctx);
  const fileChanged = file.steps.length > 0;
  const steps: Step[] = [...file.steps];
  const summary: string[] = [...file.summary];
  if (fileChanged || have.unit.needDaemonReload) {
    steps.push(run(sh`systemctl daemon-reload`));
    summary.push(`daemon-reload (${fileChanged ? 'unit file changed' : 'systemd has a stale copy of the unit'})`);
  }
  const enabled = have.unit.unitFileState === 'enabled';
  if (want.enabled && !enabled) {
    steps.push(run(sh`systemctl enable -- ${want.name}`));
    summary.push(`enable ${want.name} (it is ${have.unit.unitFileState || 'not installed'})`);
  } else if (!want.enabled && enabled) {
    steps.push(run(sh`systemctl disable -- ${want.name}`));
    summary.push(`disable ${want.name}`);
  }
  const act = activation(want, have, fileChanged, ctx);
  if (act) {
    steps.push(run(sh`systemctl ${act.verb} -- ${want.name}`, { diagnose: journal(want.name) }));
    summary.push(`${act.verb} ${want.name}: ${act.reason}`);
    if (act.verb !== 'stop' && want.settle > 0) steps.push(settleCheck(want));
  }
  // Markers may also be written by earlier changes of this same run, after these facts were
  // read: clear both whenever the unit was (re)started, reloaded or asked to be.
  const asked = have.pendingRestart.exists || have.pendingReload.exists || ctx.notified.has(want.name);
  if (asked || (act !== null && act.verb !== 'stop')) {
    steps.push(run(sh`rm -f -- ${[pendingMarker(want.name, 'restart'), pendingMarker(want.name, 'reload')]}`));
  }
  return steps.length === 0 ? null : { summary, ...(file.diff ? { diff: file.diff } : {}), steps };
}

/** After a start: the unit must still be active `settle` seconds later (not crash-looping). */
function settleCheck(want: UnitWant): Step {
  return run(sh`sleep ${want.settle}; systemctl is-active -- ${want.name} || true`, {
    expect: { stdout: 'active\n', what: `${want.name} did not stay up for ${want.settle}s after starting` },
    diagnose: journal(want.name),
  });
}

function journal(unit: string) {
  return sh`systemctl status --no-pager --lines=0 -- ${unit}; journalctl --no-pager --lines=20 --unit=${unit}`;
}

export function unitOperation(want: UnitWant): Operation<UnitHave> {
  return {
    id: `unit ${want.name}`,
    facts: {
      file: fileFact(`${UNIT_DIR}/${want.name}`),
      unit: unitFact(want.name),
      pendingRestart: fileFact(pendingMarker(want.name, 'restart')),
      pendingReload: fileFact(pendingMarker(want.name, 'reload')),
    },
    plan: (have, ctx) => unitChange(want, have, ctx),
    // Pending markers are written by this same run's earlier changes, so they are left out.
    precondition: ({ file, unit }) => [
      file.exists ? [file.sha256, file.mode, file.owner] : 'absent',
      unit.loadState,
      unit.activeState,
      unit.unitFileState,
    ],
  };
}
