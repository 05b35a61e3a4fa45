import { sh } from '../shell.ts';
import { unexpected, type Fact } from './types.ts';

/** A user's crontab text; null when the user has none. */
export type CrontabState = { readonly text: string | null };

/** `crontab -l -u USER`. */
export function crontabFact(user: string): Fact<CrontabState> {
  return {
    key: `crontab ${user}`,
    command: sh`crontab -l -u ${user}`,
    parse(output) {
      if (output.exitCode === 0) return { text: output.stdout };
      if (/^no crontab for /m.test(output.stderr)) return { text: null };
      return unexpected(`crontab -l -u ${user}`, output);
    },
  };
}
