import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

export type UserState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly uid: number;
      readonly home: string;
      readonly shell: string;
      /** Primary group first, then supplementary groups, as `id -Gn` prints them. */
      readonly groups: readonly string[];
    };

export type GroupState = { readonly exists: false } | { readonly exists: true; readonly gid: number };

/** The passwd entry and group memberships of `name`. */
export function userFact(name: string): Fact<UserState> {
  return {
    key: `user ${name}`,
    command: sh`getent passwd -- ${name} && id -Gn -- ${name}`,
    parse(output) {
      if (output.exitCode === 2 && output.stdout === '') return { exists: false }; // getent: key not found
      if (output.exitCode !== 0) unexpected(`looking up user ${name}`, output);
      const [passwd = '', groups = ''] = output.stdout.split('\n');
      const fields = passwd.split(':');
      if (fields.length !== 7 || fields[0] !== name) unexpected(`looking up user ${name}: odd passwd line`, output);
      return { exists: true, uid: Number(fields[2]), home: fields[5] ?? '', shell: fields[6] ?? '', groups: groups.trim().split(/\s+/).filter(Boolean) };
    },
  };
}

/** Whether group `name` exists, and its gid. */
export function groupFact(name: string): Fact<GroupState> {
  return {
    key: `group ${name}`,
    command: sh`getent group -- ${name}`,
    parse(output) {
      if (output.exitCode === 2 && output.stdout === '') return { exists: false };
      if (output.exitCode !== 0) unexpected(`looking up group ${name}`, output);
      const fields = output.stdout.trim().split(':');
      if (fields[0] !== name) unexpected(`looking up group ${name}: odd group line`, output);
      return { exists: true, gid: Number(fields[2]) };
    },
  };
}
