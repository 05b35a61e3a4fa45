import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

export interface UnitState {
  /** loaded, not-found, masked, error, ... */
  readonly loadState: string;
  /** active, inactive, failed, activating, deactivating, reloading */
  readonly activeState: string;
  readonly subState: string;
  /** enabled, disabled, static, masked, ... ('' when systemd has no unit file) */
  readonly unitFileState: string;
  /** systemd has an older copy of the unit file in memory than the one on disk. */
  readonly needDaemonReload: boolean;
}

const PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'NeedDaemonReload'];

/** What systemd knows about `unit` (a unit that does not exist reads as not-found, inactive). */
export function unitFact(unit: string): Fact<UnitState> {
  return {
    key: `unit ${unit}`,
    command: sh`systemctl show --property=${PROPERTIES.join(',')} -- ${unit}`,
    parse(output) {
      if (output.exitCode !== 0) unexpected(`systemctl show ${unit}`, output);
      const props = new Map<string, string>();
      for (const line of output.stdout.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1));
      }
      const loadState = props.get('LoadState');
      const activeState = props.get('ActiveState');
      if (loadState === undefined || activeState === undefined) unexpected(`systemctl show ${unit}: no LoadState/ActiveState`, output);
      return {
        loadState,
        activeState,
        subState: props.get('SubState') ?? '',
        unitFileState: props.get('UnitFileState') ?? '',
        needDaemonReload: props.get('NeedDaemonReload') === 'yes',
      };
    },
  };
}
