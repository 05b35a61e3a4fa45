import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

/** Live kernel values by key (whitespace runs collapsed to one space); absent keys are missing. */
export type SysctlValues = Readonly<Record<string, string>>;

/** The live values of `keys`; keys the kernel does not have are left out. */
export function sysctlFact(keys: readonly string[]): Fact<SysctlValues> {
  return {
    key: `sysctl ${keys.join(' ')}`,
    // -e: an unknown key is not an error (the op reports it); values may hold tabs.
    command: sh`sysctl -e -- ${keys}`,
    parse(output) {
      if (output.exitCode !== 0) unexpected('sysctl', output);
      const values: Record<string, string> = {};
      for (const line of output.stdout.split('\n')) {
        const match = /^(\S+) = ?(.*)$/.exec(line);
        if (match?.[1] !== undefined) values[match[1]] = normalizeSysctl(match[2] ?? '');
      }
      return values;
    },
  };
}

/** A value as the kernel prints it, whitespace runs collapsed: "4096\t131072" → "4096 131072". */
export function normalizeSysctl(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}
