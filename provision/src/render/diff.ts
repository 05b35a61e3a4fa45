// Unified diffs of file contents that never show a secret value. The new side is the masked
// rendering (secrets as «secret NAME»). The old side comes from the host and may hold current
// or older secret values: a line matching a secret-bearing line of the template is shown
// masked, and every value the secret source knows is redacted from the rest.
import { createTwoFilesPatch } from 'diff';
import type { Redactor } from '../secrets.ts';
import type { Rendered } from './template.ts';

export interface FileDiff {
  /** Unified diff (masked); '' when the masked texts are equal. */
  readonly diff: string;
  /** Names of secrets whose value on the host differs from the wanted one. */
  readonly changedSecrets: readonly string[];
}

const LABEL = /«secret ([A-Za-z0-9_]+)»/g;

interface SecretLine {
  readonly pattern: RegExp;
  readonly masked: string;
  readonly names: readonly string[];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function secretLines(masked: string): SecretLine[] {
  const lines: SecretLine[] = [];
  for (const line of masked.split('\n')) {
    const names = [...line.matchAll(LABEL)].map((m) => m[1] ?? '');
    if (names.length === 0) continue;
    const pattern = new RegExp(`^${line.split(LABEL).filter((_, i) => i % 2 === 0).map(escape).join('(.*)')}$`);
    lines.push({ pattern, masked: line, names });
  }
  return lines;
}

/** Whether `bytes` is text we can diff (valid UTF-8, no NUL). */
export function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

/**
 * The masked diff from `have` (null: the file does not exist) to `want`. `redactor` knows
 * every secret value; `have` is only ever shown through it or through a template mask.
 */
export function fileDiff(path: string, have: Buffer | null, want: Rendered, redactor: Redactor): FileDiff {
  if (have !== null && !isText(have)) return { diff: `Binary content of ${path} differs\n`, changedSecrets: [] };
  const patterns = secretLines(want.masked);
  const values = new Map(want.secrets.map((s) => [s.name, s.reveal()]));
  const changed = new Set<string>();
  const old = (have?.toString('utf8') ?? '').split('\n').map((line) => {
    for (const p of patterns) {
      const match = p.pattern.exec(line);
      if (!match) continue;
      p.names.forEach((name, i) => {
        if (match[i + 1] !== values.get(name)) changed.add(name);
      });
      return p.masked;
    }
    return redactor.redact(line);
  });
  const oldText = old.join('\n');
  const diff =
    oldText === want.masked
      ? ''
      : createTwoFilesPatch(have === null ? '/dev/null' : `a${path}`, `b${path}`, oldText, want.masked, undefined, undefined, { context: 3 })
          .split('\n')
          .filter((line) => !line.startsWith('===') && !line.startsWith('Index:'))
          .join('\n');
  return { diff: redactor.redact(diff), changedSecrets: [...changed].sort() };
}
