import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

export type NftTableState = { readonly loaded: boolean };

/** Whether the kernel has table `family name` loaded (someone may have flushed the ruleset). */
export function nftTableFact(family: string, name: string): Fact<NftTableState> {
  return {
    key: `nft table ${family} ${name}`,
    command: sh`nft list table ${family} ${name} >/dev/null`,
    parse(output) {
      if (output.exitCode === 0) return { loaded: true };
      if (/No such file or directory/.test(output.stderr)) return { loaded: false };
      return unexpected(`nft list table ${family} ${name}`, output);
    },
  };
}
