// cron-parser and croner behind one signature, for the comparison test and the benchmark only
// (both are devDependencies: the runtime uses our own engine, see docs/schedules.md).
import { CronExpressionParser } from 'cron-parser';
import { Cron } from 'croner';

export type Library = 'cron-parser' | 'croner';
export const LIBRARIES: Library[] = ['cron-parser', 'croner'];

/** Up to `count` fire times after (or before) `start`; throws whatever the library throws. */
export function libraryTimes(library: Library, expr: string, tz: string, start: Date, count: number, reverse = false): Date[] {
  if (library === 'cron-parser') {
    const interval = CronExpressionParser.parse(expr, { currentDate: start, tz });
    const result: Date[] = [];
    for (let i = 0; i < count; i++) {
      try {
        result.push((reverse ? interval.prev() : interval.next()).toDate());
      } catch {
        break;
      }
    }
    return result;
  }
  const job = new Cron(expr, { timezone: tz, paused: true });
  return reverse ? job.previousRuns(count, start) : job.nextRuns(count, start);
}

/** One next fire time, parsing each time as a status computation would. */
export function libraryNext(library: Library, expr: string, tz: string, start: Date): Date | null {
  if (library === 'cron-parser') return CronExpressionParser.parse(expr, { currentDate: start, tz }).next().toDate();
  return new Cron(expr, { timezone: tz, paused: true }).nextRun(start);
}
