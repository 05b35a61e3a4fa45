import { fileFact, type FileState } from '../facts/files.ts';
import { normalizeSysctl, sysctlFact, type SysctlValues } from '../facts/sysctl.ts';
import { renderSysctl, SYSCTL_FILE } from '../render/sysctl.ts';
import { sh } from '../shell.ts';
import { fileChange } from './files.ts';
import { run, Refusal, type Change, type Operation, type PlanContext, type Step } from './types.ts';

export interface SysctlHave {
  readonly file: FileState;
  readonly live: SysctlValues;
}

/** Persists `values` in sysctl.d and sets the live kernel values that differ. */
export function sysctlChange(values: Readonly<Record<string, string>>, have: SysctlHave, ctx: PlanContext): Change | null {
  const missing = Object.keys(values).filter((k) => !(k in have.live));
  if (missing.length > 0) throw new Refusal(`the kernel has no sysctl ${missing.join(', ')} (typo, or a module not loaded?)`);
  const content = renderSysctl(values);
  const file = fileChange({ path: SYSCTL_FILE, content, mode: '0644', owner: 'root', group: 'root', validate: null, notify: [] }, have.file, ctx);
  const steps: Step[] = [...(file?.steps ?? [])];
  const summary: string[] = [...(file?.summary ?? [])];
  for (const key of Object.keys(values).sort()) {
    const want = normalizeSysctl(values[key] ?? '');
    if (have.live[key] === want) continue;
    steps.push(run(sh`sysctl -q -w ${`${key}=${want}`}`));
    summary.push(`sysctl ${key}: ${have.live[key]} → ${want}`);
  }
  return steps.length === 0 ? null : { summary, ...(file?.diff ? { diff: file.diff } : {}), steps };
}

export function sysctlOperation(values: Readonly<Record<string, string>>): Operation<SysctlHave> {
  const keys = Object.keys(values).sort();
  return {
    id: `sysctl ${keys.join(' ')}`,
    facts: { file: fileFact(SYSCTL_FILE), live: sysctlFact(keys) },
    plan: (have, ctx) => sysctlChange(values, have, ctx),
    precondition: ({ file, live }) => [file.exists ? file.sha256 : 'absent', live],
  };
}
