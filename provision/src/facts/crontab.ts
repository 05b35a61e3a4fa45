import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

/**
 * A user's crontab text; null when the user has none. `userExists` is false for a user the
 * host does not know yet (one the same run creates first): plan then shows a fresh crontab.
 */
export type CrontabState = { readonly text: string | null; readonly userExists: boolean };

/** `crontab -l -u USER`. */
export function crontabFact(user: string): Fact<CrontabState> {
  return {
    key: `crontab ${user}`,
    command: sh`crontab -l -u ${user}`,
    parse(output) {
      if (output.exitCode === 0) return { text: output.stdout, userExists: true };
      if (/^no crontab for /m.test(output.stderr)) return { text: null, userExists: true };
      if (/user .* unknown/.test(output.stderr)) return { text: null, userExists: false };
      return unexpected(`crontab -l -u ${user}`, output);
    },
  };
}
