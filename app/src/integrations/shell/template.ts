// Where a shell template may use the placeholders that carry user-written text ($NAME, $TAGS,
// $TAG1, ...). Their values are single-quoted for the shell, which makes them one literal word
// only where the template leaves them unquoted: inside '...', "...", backquotes, a comment, a
// here-document or arithmetic, or after a backslash, a quote in the value would end the
// template's own quoting and the rest of the name would run as a command (Healthchecks has
// this hole). Such templates are refused when the channel is saved.
//
// The scan follows the shell's quoting left to right. It is deliberately conservative: where
// quoting nests in ways a linear reading cannot follow (a command substitution inside double
// quotes, quotes inside backquotes, bash's $'...'), every later placeholder is refused.

/** Placeholders whose values come from users; $CODE, $STATUS and $NOW are safe anywhere. */
const DATA_PLACEHOLDER = /^\$(?:NAME|TAGS|TAG\d+)/;

export interface UnsafePlaceholder {
  /** "$NAME", "$TAG2", ... */
  readonly placeholder: string;
  /** Where it stands: "double quotes", "a comment", ... */
  readonly context: string;
  /** Offset in the template. */
  readonly index: number;
}

type State = 'plain' | 'single' | 'double' | 'backquote' | 'comment';

const CONTEXTS: Record<Exclude<State, 'plain'>, string> = {
  single: 'single quotes',
  double: 'double quotes',
  backquote: 'backquotes',
  comment: 'a comment',
};
const WORD_START = /[\s;&|()<>]/;

/** The first user-text placeholder standing where quoting cannot protect it; null when none does. */
export function findUnsafePlaceholder(template: string): UnsafePlaceholder | null {
  let state: State = 'plain';
  let hereDocument = false;
  let lost = false;
  let arithmeticDepth = 0;
  for (let i = 0; i < template.length; i++) {
    const rest = template.slice(i);
    const data = DATA_PLACEHOLDER.exec(rest)?.[0];
    if (data !== undefined) {
      const context = lost
        ? 'quoting nested too deeply to check'
        : hereDocument
          ? 'a here-document'
          : arithmeticDepth > 0
            ? 'an arithmetic expansion'
            : state === 'plain'
              ? null
              : CONTEXTS[state];
      if (context !== null) return { placeholder: data, context, index: i };
      i += data.length - 1;
      continue;
    }
    const c = template[i];
    if (c === '\\' && state !== 'single' && state !== 'comment') {
      const escaped = DATA_PLACEHOLDER.exec(template.slice(i + 1))?.[0];
      if (escaped !== undefined) return { placeholder: escaped, context: 'a backslash escape', index: i + 1 };
      i++;
      continue;
    }
    if (arithmeticDepth > 0) {
      if (c === '(') arithmeticDepth++;
      if (c === ')') arithmeticDepth--;
      continue;
    }
    if ((state === 'plain' || state === 'double') && rest.startsWith('$((')) {
      arithmeticDepth = 2;
      i += 2;
      continue;
    }
    switch (state) {
      case 'single':
        if (c === "'") state = 'plain';
        break;
      case 'comment':
        if (c === '\n') state = 'plain';
        break;
      case 'double':
        if (c === '"') state = 'plain';
        else if (c === '`' || rest.startsWith('$(') || rest.startsWith('${')) lost = true;
        break;
      case 'backquote':
        if (c === '`') state = 'plain';
        else if (c === "'" || c === '"' || rest.startsWith('$(')) lost = true;
        break;
      case 'plain':
        if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '`') state = 'backquote';
        else if (c === '#' && (i === 0 || WORD_START.test(template[i - 1] ?? ''))) state = 'comment';
        else if (rest.startsWith('<<')) hereDocument = true;
        else if (rest.startsWith("$'")) lost = true;
        break;
    }
  }
  return null;
}
