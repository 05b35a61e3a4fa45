// The exact command line a shell channel runs for a notice: the direction's template with
// Healthchecks' placeholders replaced in one pass, each value quoted for /bin/sh. Pure.
import { isoSeconds, substitute } from '../placeholders.ts';
import type { Notice } from '../types.ts';

// Python's shlex.quote: these characters never need quoting.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word with exactly `value`'s text (Python's shlex.quote): `it's` → `'it'"'"'s'`. */
export function quoteShell(value: string): string {
  if (value === '') return "''";
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/**
 * $CODE, $STATUS, $NOW, $NAME, $TAGS and $TAG1, $TAG2, ...: every value quoted (the first three
 * never contain a character that needs it). NUL, which no argument can hold, is dropped.
 */
export function shellValues(notice: Notice): Record<string, string> {
  const { check, at } = notice.summary;
  const raw: Record<string, string> = {
    $CODE: check.code,
    $STATUS: notice.direction,
    $NOW: isoSeconds(at),
    $NAME: check.name,
    $TAGS: check.tags,
  };
  check.tags
    .split(' ')
    .filter((tag) => tag.trim() !== '')
    .forEach((tag, i) => {
      raw[`$TAG${i + 1}`] = tag.trim();
    });
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, quoteShell(value.replace(/\0/g, ''))]));
}

/** The command for `notice`: one pass, so a value that contains "$NAME" is never expanded again. */
export function shellCommand(template: string, notice: Notice): string {
  return substitute(template, shellValues(notice));
}

/** The Debian default PATH (commands may set their own). */
export const COMMAND_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment a command gets. Nothing of the alert process's own (DATABASE_URL,
 * tokens) is passed on. CRONWARDEN_IDEMPOTENCY_KEY is the same on every retry of one
 * notification, so a command can tell a retry from a new alert.
 */
export function commandEnvironment(notice: Notice, user: { readonly username: string; readonly homedir: string }): Record<string, string> {
  return {
    PATH: COMMAND_PATH,
    HOME: user.homedir,
    USER: user.username,
    LOGNAME: user.username,
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    CRONWARDEN_IDEMPOTENCY_KEY: notice.code,
  };
}
