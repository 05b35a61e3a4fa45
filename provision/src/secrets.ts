import { inspect } from 'node:util';

/** What output shows instead of a secret value. */
export const SECRET_MASK = '***';

/**
 * Secrets shorter than this are refused: output redaction replaces every occurrence of a
 * secret's value, and a short value would also match ordinary text (or leak by elimination).
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * A secret value. It never turns into its value by accident: String(), JSON.stringify(),
 * console.log and template literals all give `«secret NAME»`. Only `reveal()` gives the value,
 * and only renderers (file bytes) and the shell helper (command text sent to a host) call it.
 */
export class Secret {
  readonly #value: string;

  constructor(
    readonly name: string,
    value: string,
  ) {
    this.#value = value;
  }

  /** The value itself: for bytes sent to a host, never for anything shown. */
  reveal(): string {
    return this.#value;
  }

  /** What a human sees: the name, never the value. */
  get label(): string {
    return `«secret ${this.name}»`;
  }

  toString(): string {
    return this.label;
  }

  toJSON(): string {
    return this.label;
  }

  [inspect.custom](): string {
    return `Secret(${this.name})`;
  }
}

/**
 * Where secret values come from. The inventory names secrets (`{ secret: db_password }`); a
 * source resolves the names. The sops vault of a later issue is another implementation.
 */
export interface SecretSource {
  /** The secret called `name`, or null when the source has none. */
  get(name: string): Secret | null;
  /**
   * Every value this source knows, including previous values it still remembers (a rotation's
   * PREVIOUS), so output redaction also catches an old value still present on a host.
   */
  knownValues(): readonly string[];
}

/** A fixed map of secrets (tests, and the plain-file source below). */
export class StaticSecretSource implements SecretSource {
  readonly #secrets: ReadonlyMap<string, Secret>;
  readonly #previous: readonly string[];

  constructor(values: Readonly<Record<string, string>>, previous: readonly string[] = []) {
    this.#secrets = new Map(Object.entries(values).map(([name, value]) => [name, new Secret(name, value)]));
    this.#previous = previous;
  }

  get(name: string): Secret | null {
    return this.#secrets.get(name) ?? null;
  }

  knownValues(): readonly string[] {
    return [...[...this.#secrets.values()].map((s) => s.reveal()), ...this.#previous];
  }
}

/**
 * Replaces every known secret value in text shown to people or written to logs: the last line
 * of defence behind redaction by construction (remote stderr may echo a file line, say).
 */
export class Redactor {
  #values: string[] = [];

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  add(values: Iterable<string>): void {
    const all = new Set([...this.#values, ...values]);
    // Longest first, so a secret that contains another is replaced whole.
    this.#values = [...all].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join(SECRET_MASK);
    return out;
  }
}
