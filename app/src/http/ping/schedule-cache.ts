import type { ScheduleCandidate } from '../../db/queries/pings.ts';
import type { Schedule, ScheduleKind } from '../../core/schedule/index.ts';

/** parseSchedule's signature, so tests can inject a schedule engine. */
export type ScheduleParser = (kind: ScheduleKind, expression: string, tz: string) => Schedule;

interface Entry {
  kind: ScheduleKind;
  expression: string;
  tz: string;
  /** null when the engine refused the expression: no candidate can be offered. */
  schedule: Schedule | null;
}

/**
 * What this process has learnt about the schedules of cron and OnCalendar checks from earlier
 * pings, keyed by how the ping addresses the check (its UUID, or ping key and slug). It lets
 * the handler send the database the next fire time after a ping, which SQL cannot compute;
 * the database uses it only if the guess still matches the check (db/migrations/0002_ping.sql).
 * Bounded: the least recently used entry goes first.
 */
export class ScheduleCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parse: ScheduleParser,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The guess for `key` with its next fire time after `now`; null when there is none to offer. */
  candidate(key: string, now: Date): ScheduleCandidate | null {
    const entry = this.entries.get(key);
    if (!entry?.schedule) return null;
    this.entries.delete(key);
    this.entries.set(key, entry);
    let next: Date | null;
    try {
      next = entry.schedule.next(now);
    } catch {
      return null;
    }
    return { kind: entry.kind, expression: entry.expression, tz: entry.tz, next };
  }

  /** Records the schedule the database reported for `key`; simple checks need nothing and are forgotten. */
  learn(key: string, kind: string, expression: string, tz: string): void {
    if (kind !== 'cron' && kind !== 'oncalendar') {
      this.entries.delete(key);
      return;
    }
    const known = this.entries.get(key);
    if (known && known.kind === kind && known.expression === expression && known.tz === tz) return;
    this.entries.delete(key);
    this.entries.set(key, { kind, expression, tz, schedule: this.tryParse(kind, expression, tz) });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  private tryParse(kind: ScheduleKind, expression: string, tz: string): Schedule | null {
    try {
      // Until the schedule engine lands it refuses everything (ScheduleError); the database
      // then falls back to an early alert_after, which the alert engine corrects.
      return this.parse(kind, expression, tz);
    } catch {
      return null;
    }
  }
}
