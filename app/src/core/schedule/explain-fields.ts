// The fields of a cron expression as the describer sees them: each comma-separated term becomes
// a sequence (a wildcard with a step, a range with a step, a single value, or an nth weekday /
// last day), and each field knows how to word its sequences. The wording follows cronsim's
// explain() (Healthchecks shows it beside the schedule), with ordinals spelled correctly.

/** One comma-separated term: start null means "every"; nth -1 means "last". */
export interface Sequence {
  start: number | null;
  stop: number | null;
  step: number;
  nth: number | null;
}

const ORDINAL_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];

/** "first" ... "ninth", then "10th", "21st", "22nd", "23rd"; -1 is "last". */
export function ordinal(value: number): string {
  if (value === -1) return 'last';
  if (value >= 1 && value <= 9) return ORDINAL_WORDS[value]!;
  const tens = value % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][value % 10] ?? 'th');
  return `${value}${suffix}`;
}

/** "a", "a and b", "a, b, and c". */
export function join(items: string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** "HH:MM", or "HH:MM:SS" when seconds are given. */
export function formatTime(hour: number, minute: number, second: number | null = null): string {
  const base = `${pad(hour)}:${pad(minute)}`;
  return second === null ? base : `${base}:${pad(second)}`;
}

export type FieldKind = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'weekday';

const NAMES: Record<FieldKind, string> = {
  second: 'second', minute: 'minute', hour: 'hour', day: 'day of month', month: 'month', weekday: 'day of week',
};
const BOUNDS: Record<FieldKind, [number, number]> = {
  second: [0, 59], minute: [0, 59], hour: [0, 23], day: [1, 31], month: [1, 12], weekday: [0, 7],
};
const MONTH_SYMBOLS = ['_', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_LABELS = ['_', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const DAY_SYMBOLS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const DAY_LABELS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** One field of a cron expression, parsed into sequences (duplicates dropped, order kept). */
export class Field {
  readonly parsed: Sequence[] = [];
  /** The one value every sequence is, if the field is a single value (e.g. "5" or "5,5"). */
  readonly singleValue: number | null;

  constructor(readonly kind: FieldKind, text: string) {
    for (const seq of this.parse(text)) {
      if (!this.parsed.some((s) => s.start === seq.start && s.stop === seq.stop && s.step === seq.step && s.nth === seq.nth)) {
        this.parsed.push(seq);
      }
    }
    const first = this.parsed[0]?.start ?? null;
    this.singleValue = this.parsed.every((s) => s.start === first && s.stop === first) ? first : null;
  }

  get name(): string {
    return NAMES[this.kind];
  }

  /** A single "0". */
  get zero(): boolean {
    return this.singleValue === 0;
  }

  /** Every value of the field ("*", "*\/1", "0-59", ...). */
  get star(): boolean {
    return this.parsed.every((s) => s.start === null && s.step === 1);
  }

  get anySingles(): boolean {
    return this.parsed.some((s) => s.start !== null && s.start === s.stop);
  }

  get allSingles(): boolean {
    return this.parsed.every((s) => s.start !== null && s.start === s.stop);
  }

  /** The start of every sequence that has one (the values, when all are singles). */
  singles(): number[] {
    return this.parsed.flatMap((s) => (s.start === null ? [] : [s.start]));
  }

  private value(text: string): number {
    const symbols = this.kind === 'month' ? MONTH_SYMBOLS : this.kind === 'weekday' ? DAY_SYMBOLS : [];
    return symbols.includes(text) ? symbols.indexOf(text) : Number(text);
  }

  private *parse(text: string): Generator<Sequence> {
    const [min, max] = BOUNDS[this.kind];
    const seq = (start: number | null, stop: number | null, step = 1, nth: number | null = null) => ({ start, stop, step, nth });
    for (const term of text.split(',')) {
      if (term === '*') yield seq(null, null);
      else if (this.kind === 'weekday' && term.endsWith('L')) {
        const v = this.value(term.slice(0, -1));
        yield seq(v, v, 1, -1);
      } else if (term.includes('#')) {
        const [value = '', nth = ''] = term.split('#');
        yield seq(this.value(value), this.value(value), 1, Number(nth));
      } else if (term.includes('/')) {
        const [range = '', step = ''] = term.split('/');
        const by = Number(step);
        if (range === '*') yield seq(null, null, by);
        else if (range === 'LW') yield seq(-2, -2, 1, -1);
        else if (range === 'L') yield seq(-1, -1, 1, -1);
        else {
          const [from = '', to] = range.split('-');
          const start = this.value(from);
          let stop = to === undefined ? max : this.value(to);
          // "5-5/15" runs from 5 to the end, as the parser reads it (like "5/15"), unless the
          // step leaves only the 5.
          if (to !== undefined && stop === start && start + by <= max) stop = max;
          yield start <= min && stop >= max ? seq(null, null, by) : seq(start, stop, by);
        }
      } else if (term.includes('-')) {
        const [from = '', to = ''] = term.split('-');
        const [start, stop] = [this.value(from), this.value(to)];
        if (start + 1 === stop) {
          yield seq(start, start);
          yield seq(stop, stop);
        } else if (start <= min && stop >= max) yield seq(null, null);
        else yield seq(start, stop);
      } else if (term === 'LW') yield seq(-2, -2, 1, -1);
      else if (term === 'L') yield seq(-1, -1, 1, -1);
      else yield seq(this.value(term), this.value(term));
    }
  }

  label(value: number): string {
    if (this.kind === 'month') return MONTH_LABELS[value] ?? String(value);
    if (this.kind === 'weekday') return DAY_LABELS[value] ?? String(value);
    return String(value);
  }

  private formatSingle(value: number): string {
    if (this.kind === 'day') return `the ${ordinal(value)} day of month`;
    if (this.kind === 'month' || this.kind === 'weekday') return this.label(value);
    return `${this.name} ${this.label(value)}`;
  }

  private formatNth(value: number, nth: number): string {
    if (this.kind === 'day') return value === -2 ? 'the last weekday of the month' : 'the last day of the month';
    if (nth === -1) return `the last ${this.label(value)} of the month`;
    return `the ${ordinal(nth)} ${this.label(value)} of the month`;
  }

  private formatEvery(step: number): string {
    return step === 1 ? `every ${this.name}` : `every ${ordinal(step)} ${this.name}`;
  }

  private formatRange(start: number, stop: number, step: number): string {
    if (this.kind === 'weekday' && step === 1) return `${this.label(start)} through ${this.label(stop)}`;
    const every = step === 1 ? `every ${this.name}` : `every ${ordinal(step)} ${this.name}`;
    return `${every} from ${this.label(start)} through ${this.label(stop)}`;
  }

  /** Every sequence worded and joined ("minutes 5 and 10", "Monday through Friday"). */
  format(): string {
    if (this.allSingles && this.parsed.length > 1) {
      const values = this.singles();
      if (this.kind === 'second' || this.kind === 'minute' || this.kind === 'hour') {
        return `${this.kind}s ${join(values.map((v) => this.label(v)))}`;
      }
      if (this.kind === 'day' && !values.includes(-2)) return `${join(values.map((v) => `the ${ordinal(v)}`))} day of month`;
    }
    return join(
      this.parsed.map((s) => {
        if (s.start === null) return this.formatEvery(s.step);
        if (s.stop !== s.start) return this.formatRange(s.start, s.stop ?? s.start, s.step);
        if (s.nth !== null) return this.formatNth(s.start, s.nth);
        return this.formatSingle(s.start);
      }),
    );
  }

  /** The field with its preposition ("at minute 5", "past hour 3", "on Monday", "in January"). */
  toString(): string {
    const text = this.format();
    if (this.kind === 'second' || this.kind === 'minute') return this.anySingles ? `at ${text}` : text;
    if (this.kind === 'hour') return `past ${text}`;
    if (this.kind === 'month') return `in ${text}`;
    return `on ${text}`;
  }
}
