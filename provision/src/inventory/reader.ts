// Walks untyped YAML data with a path, collecting every problem instead of stopping at the first.

export type Path = readonly (string | number)[];

/** `hosts.app1.vars.port`, `hosts.app1.roles[1]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(top level)' : out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Reader {
  readonly problems: string[] = [];

  constructor(private readonly file: string) {}

  problem(path: Path, message: string): void {
    this.problems.push(`${this.file}: ${formatPath(path)}: ${message}`);
  }

  /** A mapping (absent: `{}`); reports keys not in `allowed`, which are usually typos. */
  mapping(value: unknown, path: Path, allowed?: readonly string[]): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isMapping(value)) {
      this.problem(path, `must be a mapping, got ${describe(value)}`);
      return {};
    }
    if (allowed) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) this.problem([...path, key], `unknown key (known: ${allowed.join(', ')})`);
      }
    }
    return value;
  }

  list(value: unknown, path: Path): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(path, `must be a list, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  string(value: unknown, path: Path, options: { required?: boolean; pattern?: RegExp; hint?: string } = {}): string | null {
    if (value === undefined || value === null) {
      if (options.required) this.problem(path, 'is required');
      return null;
    }
    if (typeof value !== 'string' || value === '') {
      this.problem(path, `must be a non-empty string, got ${describe(value)}`);
      return null;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.problem(path, `${options.hint ?? `must match ${options.pattern}`}, got ${JSON.stringify(value)}`);
      return null;
    }
    return value;
  }

  integer(value: unknown, path: Path, min: number, max: number): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(path, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
      return null;
    }
    return value;
  }

  boolean(value: unknown, path: Path): boolean | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') {
      this.problem(path, `must be true or false, got ${describe(value)}`);
      return null;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: Path, allowed: readonly T[]): T | null {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
    return null;
  }

  stringList(value: unknown, path: Path): string[] {
    return this.list(value, path).flatMap((item, i) => this.string(item, [...path, i], { required: true }) ?? []);
  }
}
