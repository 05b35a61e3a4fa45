import { renderLines, type Rendered } from './template.ts';

export const SYSCTL_FILE = '/etc/sysctl.d/60-cronwarden.conf';

/** The sysctl.d file for `values`, keys sorted so the file is stable. */
export function renderSysctl(values: Readonly<Record<string, string>>): Rendered {
  const keys = Object.keys(values).sort();
  return renderLines([
    ['# managed by cronwarden fleet: edits here are overwritten by `fleet apply`'],
    ...keys.map((key) => [`${key} = ${values[key] ?? ''}`]),
  ]);
}
