// The only way commands are built. Every interpolated value is quoted for a POSIX shell; the
// literal parts of the template are code, never data. Secrets are quoted like any value in the
// text sent to the host and shown as *** everywhere else.
import { SECRET_MASK, Secret } from './secrets.ts';

/** A value `sh` accepts: quoted as one word (arrays: one word per item). */
export type ShellValue = string | number | Secret | ShellCommand | QuotedCommand | readonly (string | number | Secret)[];

interface Piece {
  readonly text: string;
  readonly display: string;
}

/** A shell command line: `text` is sent to the host, `display` is what output and logs show. */
export class ShellCommand {
  readonly text: string;
  readonly display: string;

  /** Use `sh`; this constructor trusts its input. */
  constructor(pieces: readonly Piece[]) {
    this.text = pieces.map((p) => p.text).join('');
    this.display = pieces.map((p) => p.display).join('');
  }

  /** Whether the text carries a secret (display differs from text). */
  get hasSecret(): boolean {
    return this.text !== this.display;
  }

  toString(): string {
    return this.display;
  }

  toJSON(): string {
    return this.display;
  }
}

/** A whole command passed as one argument (`sh -c ${asArgument(cmd)}`). */
export class QuotedCommand {
  constructor(readonly command: ShellCommand) {}
}

/** Wraps `command` so `sh` quotes it as a single word instead of splicing it in. */
export function asArgument(command: ShellCommand): QuotedCommand {
  return new QuotedCommand(command);
}

// Words made only of these characters mean the same quoted or not, in any position, in sh,
// dash and bash: no globbing, expansion, assignment (`=`), tilde or brace expansion.
const BARE = /^[A-Za-z0-9_@+:,./-]+$/;

/**
 * `s` as one shell word. Throws on NUL (no argument can hold it) so a truncated value never
 * reaches a host. The empty string becomes ''.
 */
export function quote(s: string): string {
  if (s.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL byte');
  if (BARE.test(s)) return s;
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function word(value: string | number | Secret): Piece {
  if (value instanceof Secret) {
    return { text: quote(value.reveal()), display: SECRET_MASK };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot put ${value} in a shell command`);
    return { text: String(value), display: String(value) };
  }
  if (typeof value !== 'string') throw new TypeError(`cannot put a ${typeof value} in a shell command`);
  const quoted = quote(value);
  return { text: quoted, display: quoted };
}

function piece(value: ShellValue): Piece {
  if (value instanceof ShellCommand) return { text: value.text, display: value.display };
  if (value instanceof QuotedCommand) {
    return { text: quote(value.command.text), display: quote(value.command.display) };
  }
  if (Array.isArray(value)) {
    const words = (value as readonly (string | number | Secret)[]).map(word);
    return { text: words.map((w) => w.text).join(' '), display: words.map((w) => w.display).join(' ') };
  }
  return word(value as string | number | Secret);
}

/**
 * Builds a command: `sh\`systemctl restart ${unit}\``. Each value is quoted as one word; a
 * ShellCommand is spliced in as shell (composition); an array becomes one word per item (an
 * empty array, nothing).
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCommand {
  const pieces: Piece[] = [];
  strings.forEach((literal, i) => {
    pieces.push({ text: literal, display: literal });
    if (i < values.length) pieces.push(piece(values[i] as ShellValue));
  });
  return new ShellCommand(pieces);
}

/** Joins commands with `&&`, `||`, `;`, `|` or a newline; [] gives the no-op `true`. */
export function join(commands: readonly ShellCommand[], separator: '&&' | '||' | ';' | '|' | '\n'): ShellCommand {
  if (commands.length === 0) return sh`true`;
  const glue = separator === '\n' ? '\n' : ` ${separator} `;
  const pieces: Piece[] = [];
  commands.forEach((c, i) => {
    if (i > 0) pieces.push({ text: glue, display: glue });
    pieces.push({ text: c.text, display: c.display });
  });
  return new ShellCommand(pieces);
}
