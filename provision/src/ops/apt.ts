import { packagesFact, type PackageVersions } from '../facts/apt.ts';
import { sh } from '../shell.ts';
import { run, type Change, type Operation } from './types.ts';

/** Installs whichever of `names` are missing; never upgrades or removes. */
export function packagesChange(names: readonly string[], have: PackageVersions): Change | null {
  const missing = names.filter((n) => have[n] === null || have[n] === undefined);
  if (missing.length === 0) return null;
  const install = sh`DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold -- ${missing}`;
  // Stale package lists are the usual cause of a failed install; refresh once and retry.
  return {
    summary: [`install packages ${missing.join(', ')}`],
    steps: [run(sh`${install} || { apt-get update -q && ${install}; }`)],
  };
}

export function packagesOperation(names: readonly string[]): Operation<{ packages: PackageVersions }> {
  const sorted = [...new Set(names)].sort();
  return {
    id: `packages ${sorted.join(' ')}`,
    facts: { packages: packagesFact(sorted) },
    broad: true,
    plan: (have) => packagesChange(sorted, have.packages),
  };
}
