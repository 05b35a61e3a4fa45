import { groupFact, userFact, type GroupState, type UserState } from '../facts/users.ts';
import { sh } from '../shell.ts';
import { run, type Change, type Operation, type Step } from './types.ts';

export interface UserWant {
  readonly name: string;
  readonly system: boolean;
  readonly home: string;
  readonly shell: string;
  /** Supplementary groups, exactly (others are removed). */
  readonly groups: readonly string[];
}

export interface GroupWant {
  readonly name: string;
  readonly system: boolean;
}

export function userChange(want: UserWant, have: UserState): Change | null {
  const groups = [...want.groups].sort();
  if (!have.exists) {
    const flags = [
      ...(want.system ? ['--system'] : []),
      '--user-group',
      '--create-home',
      '--home-dir',
      want.home,
      '--shell',
      want.shell,
      ...(groups.length > 0 ? ['--groups', groups.join(',')] : []),
    ];
    return { summary: [`create user ${want.name} (home ${want.home}, shell ${want.shell}${groups.length > 0 ? `, groups ${groups.join(',')}` : ''})`], steps: [run(sh`useradd ${flags} -- ${want.name}`)] };
  }
  const steps: Step[] = [];
  const summary: string[] = [];
  if (have.shell !== want.shell) {
    steps.push(run(sh`usermod --shell ${want.shell} -- ${want.name}`));
    summary.push(`shell ${have.shell} → ${want.shell}`);
  }
  if (have.home !== want.home) {
    steps.push(run(sh`usermod --home ${want.home} -- ${want.name}`));
    summary.push(`home ${have.home} → ${want.home} (files are not moved)`);
  }
  const current = have.groups.slice(1).sort();
  if (current.join(',') !== groups.join(',')) {
    steps.push(run(sh`usermod --groups ${groups.join(',')} -- ${want.name}`));
    summary.push(`groups ${current.join(',') || '(none)'} → ${groups.join(',') || '(none)'}`);
  }
  return steps.length === 0 ? null : { summary: [`user ${want.name}: ${summary.join(', ')}`], steps };
}

export function userOperation(want: UserWant): Operation<{ user: UserState }> {
  return { id: `user ${want.name}`, facts: { user: userFact(want.name) }, plan: (have) => userChange(want, have.user) };
}

export function groupChange(want: GroupWant, have: GroupState): Change | null {
  if (have.exists) return null;
  return { summary: [`create group ${want.name}`], steps: [run(sh`groupadd ${want.system ? ['--system'] : []} -- ${want.name}`)] };
}

export function groupOperation(want: GroupWant): Operation<{ group: GroupState }> {
  return { id: `group ${want.name}`, facts: { group: groupFact(want.name) }, plan: (have) => groupChange(want, have.group) };
}
