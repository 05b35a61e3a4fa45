import { fileFact, type FileState } from '../facts/files.ts';
import { nftTableFact, type NftTableState } from '../facts/nftables.ts';
import { unitFact, type UnitState } from '../facts/systemd.ts';
import type { Rendered } from '../render/template.ts';
import { sh } from '../shell.ts';
import { fileChange } from './files.ts';
import { run, type Change, type Operation, type PlanContext, type Step } from './types.ts';
import { nftValidator } from './validators.ts';

export const NFTABLES_CONF = '/etc/nftables.conf';

export interface NftablesWant {
  /** The ruleset file; it must define `table <family> <table>`. */
  readonly content: Rendered;
  readonly family: string;
  readonly table: string;
}

export interface NftablesHave {
  readonly file: FileState;
  readonly unit: UnitState;
  readonly table: NftTableState;
}

/**
 * /etc/nftables.conf (checked with `nft -c` before it goes live) loaded by Debian's
 * nftables.service: enabled so the rules survive a reboot, reloaded when the file changed or
 * when our table is missing from the kernel (someone ran `nft flush ruleset`). On a fresh host
 * the unit may not exist yet at plan time: the package operation installs it first and apply
 * plans this again after it.
 */
export function nftablesChange(want: NftablesWant, have: NftablesHave, ctx: PlanContext): Change | null {
  const file = fileChange({ path: NFTABLES_CONF, content: want.content, mode: '0755', owner: 'root', group: 'root', validate: nftValidator, notify: [] }, have.file, ctx);
  const steps: Step[] = [...(file?.steps ?? [])];
  const summary: string[] = [...(file?.summary ?? [])];
  if (have.unit.unitFileState !== 'enabled') {
    steps.push(run(sh`systemctl enable -- nftables.service`));
    summary.push('enable nftables.service (rules survive a reboot)');
  }
  const active = have.unit.activeState === 'active';
  const reason = !active ? `nftables.service is ${have.unit.activeState}` : file ? `${NFTABLES_CONF} changed` : !have.table.loaded ? `table ${want.family} ${want.table} is not loaded` : null;
  if (reason) {
    const verb = active ? 'reload' : 'start';
    steps.push(run(sh`systemctl ${verb} -- nftables.service`));
    summary.push(`${verb} nftables.service: ${reason}`);
  }
  return steps.length === 0 ? null : { summary, ...(file?.diff ? { diff: file.diff } : {}), steps };
}

export function nftablesOperation(want: NftablesWant): Operation<NftablesHave> {
  return {
    id: 'nftables',
    facts: { file: fileFact(NFTABLES_CONF), unit: unitFact('nftables.service'), table: nftTableFact(want.family, want.table) },
    plan: (have, ctx) => nftablesChange(want, have, ctx),
    precondition: ({ file, unit, table }) => [file.exists ? file.sha256 : 'absent', unit.activeState, unit.unitFileState, table.loaded],
  };
}
