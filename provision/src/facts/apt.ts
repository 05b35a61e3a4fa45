import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

/** Installed version per package; null when not installed (or unknown to dpkg). */
export type PackageVersions = Readonly<Record<string, string | null>>;

/** Which of `names` dpkg has installed, and at which version. */
export function packagesFact(names: readonly string[]): Fact<PackageVersions> {
  return {
    key: `packages ${names.join(' ')}`,
    command: sh`dpkg-query -W -f '\${Package}|\${db:Status-Abbrev}|\${Version}\\n' -- ${names}`,
    parse(output) {
      // dpkg-query exits 1 when some name is unknown to it: those are simply not installed.
      if (output.exitCode !== 0 && !/no packages found matching/.test(output.stderr)) unexpected('dpkg-query', output);
      const versions: Record<string, string | null> = Object.fromEntries(names.map((n) => [n, null]));
      for (const line of output.stdout.split('\n')) {
        const [name = '', status = '', version = ''] = line.split('|');
        const bare = name.split(':')[0] ?? name; // multiarch names come back as name:arch
        if (bare in versions && status.startsWith('ii')) versions[bare] = version;
      }
      return versions;
    },
  };
}
