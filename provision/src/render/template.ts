// Logic-free templates (a Mustache subset): {{ name }}, {{ a.b }}, sections {{# list }}…{{/ list }}
// and {{^ name }}…{{/ name }}, comments {{! … }}. No escaping, no helpers, no expressions: a
// template is reviewable as the file it becomes. Strict: a missing variable is an error, never
// an empty string. Rendering is pure and also produces a masked copy with every secret replaced
// by «secret NAME», which is what plans and diffs show.
import type { VarMap, VarValue } from '../inventory/types.ts';
import { Secret } from '../secrets.ts';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface Rendered {
  /** The real bytes for the host. */
  readonly text: string;
  /** The same with each secret replaced by its label: safe to show. */
  readonly masked: string;
  /** Secrets the output contains. */
  readonly secrets: readonly Secret[];
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string; line: number }
  | { kind: 'section'; name: string; inverted: boolean; line: number; children: Token[] };

const TAG = /\{\{\s*([#^/!]?)\s*([^}]*?)\s*\}\}/g;
const NAME = /^(\.|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

/** Drops the line around a tag that stands alone on it (sections and comments), as Mustache does. */
function standalone(source: string): string {
  // The line break moves inside the tag (where whitespace is ignored), so line numbers in error
  // messages still match the template file.
  return source.replace(/^[ \t]*(\{\{\s*[#^/!][^}]*?)\s*\}\}[ \t]*(\r?\n|$)/gm, (_, tag: string, eol: string) => `${tag}${eol}}}`);
}

/** Parses `source`; throws TemplateError naming `name` and the line of the problem. */
export function parseTemplate(source: string, name: string): Token[] {
  const text = standalone(source);
  const root: Token[] = [];
  const stack: { name: string; line: number; children: Token[] }[] = [{ name: '', line: 0, children: root }];
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    const [whole, sigil = '', tagName = ''] = match;
    const line = lineAt(match.index);
    const top = stack[stack.length - 1];
    if (!top) break;
    if (match.index > last) top.children.push({ kind: 'text', text: text.slice(last, match.index) });
    last = match.index + whole.length;
    if (sigil === '!') continue;
    if (!NAME.test(tagName)) throw new TemplateError(`${name}:${line}: bad tag {{${sigil}${tagName}}}`);
    if (sigil === '') top.children.push({ kind: 'var', name: tagName, line });
    else if (sigil === '#' || sigil === '^') {
      const section: Token = { kind: 'section', name: tagName, inverted: sigil === '^', line, children: [] };
      top.children.push(section);
      stack.push({ name: tagName, line, children: section.children });
    } else {
      if (stack.length === 1 || top.name !== tagName) {
        throw new TemplateError(`${name}:${line}: {{/${tagName}}} closes ${stack.length === 1 ? 'nothing' : `{{#${top.name}}} of line ${top.line}`}`);
      }
      stack.pop();
    }
  }
  const open = stack[stack.length - 1];
  if (stack.length > 1 && open) throw new TemplateError(`${name}:${open.line}: {{#${open.name}}} is never closed`);
  if (last < text.length) root.push({ kind: 'text', text: text.slice(last) });
  return root;
}

function lookup(stack: readonly VarValue[], name: string): VarValue | undefined {
  if (name === '.') return stack[stack.length - 1];
  const [first = '', ...rest] = name.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const scope = stack[i];
    if (scope === null || typeof scope !== 'object' || Array.isArray(scope) || scope instanceof Secret) continue;
    if (!(first in scope)) continue;
    let value: VarValue | undefined = (scope as VarMap)[first];
    for (const key of rest) {
      value = value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Secret) ? (value as VarMap)[key] : undefined;
    }
    return value;
  }
  return undefined;
}

interface Out {
  text: string[];
  masked: string[];
  secrets: Set<Secret>;
  /** The output as literal text and Secret objects, for consumers that keep secrets opaque. */
  parts: (string | Secret)[];
}

function emit(value: VarValue | undefined, token: { name: string; line: number }, where: string, out: Out): void {
  if (value === undefined) throw new TemplateError(`${where}:${token.line}: {{${token.name}}} is not defined`);
  if (value instanceof Secret) {
    out.text.push(value.reveal());
    out.masked.push(value.label);
    out.secrets.add(value);
    out.parts.push(value);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.text.push(String(value));
    out.masked.push(String(value));
    out.parts.push(String(value));
  } else {
    const what = value === null ? 'null' : Array.isArray(value) ? 'a list' : 'a mapping';
    throw new TemplateError(`${where}:${token.line}: {{${token.name}}} is ${what}, not text (use a section for lists)`);
  }
}

function walk(tokens: readonly Token[], stack: VarValue[], where: string, out: Out): void {
  for (const token of tokens) {
    if (token.kind === 'text') {
      out.text.push(token.text);
      out.masked.push(token.text);
      out.parts.push(token.text);
    } else if (token.kind === 'var') {
      emit(lookup(stack, token.name), token, where, out);
    } else {
      const value = lookup(stack, token.name);
      if (value === undefined) throw new TemplateError(`${where}:${token.line}: section {{#${token.name}}} is not defined`);
      const items = Array.isArray(value) ? value : value === false || value === null || value === '' ? [] : [value];
      if (token.inverted) {
        if (items.length === 0) walk(token.children, stack, where, out);
      } else {
        for (const item of items) walk(token.children, item === true ? stack : [...stack, item], where, out);
      }
    }
  }
}

/** Renders `source` (named `name` in errors) with `vars`; throws TemplateError. */
export function renderTemplate(source: string, name: string, vars: VarMap): Rendered {
  const out: Out = { text: [], masked: [], secrets: new Set(), parts: [] };
  walk(parseTemplate(source, name), [vars], name, out);
  return { text: out.text.join(''), masked: out.masked.join(''), secrets: [...out.secrets] };
}

/** Renders a one-line template (a cron command) to text and Secret parts, secrets unrevealed. */
export function renderParts(source: string, name: string, vars: VarMap): (string | Secret)[] {
  const out: Out = { text: [], masked: [], secrets: new Set(), parts: [] };
  walk(parseTemplate(source, name), [vars], name, out);
  return out.parts;
}

/** Content made in code rather than from a template file (sysctl.d, crontabs): masked the same way. */
export function renderLines(lines: readonly (readonly (string | Secret)[])[]): Rendered {
  const secrets = new Set<Secret>();
  const text = lines.map((parts) => parts.map((p) => (p instanceof Secret ? (secrets.add(p), p.reveal()) : p)).join(''));
  const masked = lines.map((parts) => parts.map((p) => (p instanceof Secret ? p.label : p)).join(''));
  return { text: text.map((l) => `${l}\n`).join(''), masked: masked.map((l) => `${l}\n`).join(''), secrets: [...secrets] };
}
