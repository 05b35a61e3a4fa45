// Human descriptions of cron expressions ("At 06:08 on Monday", "Every fifth minute from 09:00
// through 17:59"), worded as cronsim's explain() words them, for the dashboard, the API and
// crontab comments. Where cronsim's wording contradicts what the schedule does, ours follows the
// schedule (see docs/schedules.md): "5-5/15" is not "minute 5", "1-31" OR-ed with a weekday is
// every day, and 21 is "21st".
import { parseCron } from './cron.ts';
import { ScheduleError } from './errors.ts';
import { Field, formatTime, join, ordinal } from './explain-fields.ts';

class Description {
  private readonly second: Field;
  private readonly minute: Field;
  private readonly hour: Field;
  private readonly day: Field;
  private readonly month: Field;
  private readonly weekday: Field;
  /** Day-of-month and day-of-week both restrict the day (AND), as opposed to either (OR). */
  private readonly dayAnd: boolean;
  /** Either day field allows every day under OR: the pair allows every day. */
  private readonly everyDay: boolean;

  constructor(fields: string[]) {
    const [second = '', minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
    this.second = new Field('second', second);
    this.minute = new Field('minute', minute);
    this.hour = new Field('hour', hour);
    this.day = new Field('day', day);
    this.month = new Field('month', month);
    this.weekday = new Field('weekday', weekday);
    this.dayAnd = day.startsWith('*') || weekday.startsWith('*');
    this.everyDay = !this.dayAnd && (this.day.star || this.weekday.star);
  }

  private get dayStar(): boolean {
    return this.everyDay || this.day.star;
  }

  private get weekdayStar(): boolean {
    return this.everyDay || this.weekday.star;
  }

  /** "at 11:00 and 11:30", "every minute from 11:00 through 11:10", ...; null when none applies. */
  private optimizedTimes(): [string, boolean] | null {
    const { second, minute, hour } = this;
    if (hour.allSingles && minute.allSingles && second.allSingles) {
      const [hours, minutes, seconds] = [hour.singles(), minute.singles(), second.singles()];
      if (hours.length * minutes.length * seconds.length <= 4) {
        const times: string[] = [];
        for (const h of [...hours].sort((a, b) => a - b)) {
          for (const m of [...minutes].sort((a, b) => a - b)) {
            for (const s of [...seconds].sort((a, b) => a - b)) times.push(formatTime(h, m, second.zero ? null : s));
          }
        }
        return [`at ${join(times)}`, true];
      }
    }
    const minuteSeq = minute.parsed[0];
    // A single non-zero hour and one minute range: "every minute from 11:00 through 11:10".
    if (hour.singleValue && minute.parsed.length === 1 && second.zero && minuteSeq !== undefined) {
      if (minuteSeq.start !== null && minuteSeq.stop !== null && minuteSeq.step === 1) {
        const span = `${formatTime(hour.singleValue, minuteSeq.start)} through ${formatTime(hour.singleValue, minuteSeq.stop)}`;
        return [`every minute from ${span}`, false];
      }
    }
    const hourSeq = hour.parsed[0];
    if (hour.parsed.length === 1 && minute.parsed.length === 1 && second.zero && minuteSeq?.start === null && hourSeq) {
      if (hourSeq.start !== null && hourSeq.stop !== null && hourSeq.step === 1) {
        return [`${minute} from ${formatTime(hourSeq.start, 0)} through ${formatTime(hourSeq.stop, 59)}`, false];
      }
    }
    return null;
  }

  private optimizedDates(): string | null {
    if (!this.weekdayStar) return null;
    const { day, month } = this;
    const dayValue = this.everyDay ? null : day.singleValue;
    if (dayValue === -1) return `on the last day of ${month.format()}`;
    if (dayValue === -2) return `on the last weekday of ${month.format()}`;
    if (month.singleValue && dayValue) return `on ${month.format()} ${dayValue}`;
    if (dayValue) return `on the ${ordinal(dayValue)} day of ${month.format()}`;
    return null;
  }

  private time(): [string, boolean] {
    const { second, minute, hour } = this;
    if (hour.star) {
      if (minute.star && second.star) return ['every second', false];
      if (minute.star && second.zero) return ['every minute', false];
      if (minute.star) return [`${second} of every minute`, false];
      if (minute.singleValue === 0 && second.zero) return ['at the start of every hour', false];
      if (second.zero) return [`${minute} of every hour`, false];
    }
    const times = this.optimizedTimes();
    if (times !== null) return times;
    return second.zero ? [`${minute} ${hour}`, false] : [`${second} ${minute} ${hour}`, false];
  }

  private date(allowEveryDay: boolean): string {
    const dates = this.optimizedDates();
    if (dates !== null) return dates;
    if (allowEveryDay && this.dayStar && this.weekdayStar && this.month.allSingles) return `every day ${this.month}`;
    const parts: string[] = [];
    if (!this.dayStar) parts.push(String(this.day));
    if (!this.weekdayStar) {
      if (!this.dayStar) parts.push(this.dayAnd ? "if it's" : 'and');
      parts.push(String(this.weekday));
    }
    if (!this.month.star) parts.push(String(this.month));
    return parts.join(' ');
  }

  toString(): string {
    const [time, allowEveryDay] = this.time();
    const date = this.date(allowEveryDay);
    const text = date !== '' ? `${time} ${date}` : allowEveryDay ? `${time} every day` : time;
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
}

const MEMO_SIZE = 5000;
const memo = new Map<string, string | ScheduleError>();

/** Describes a cron expression in English ("At 06:08 on Monday"); throws ScheduleError when it does not parse. */
export function explainCron(expression: string): string {
  let entry = memo.get(expression);
  if (entry === undefined) {
    try {
      entry = String(new Description(parseCron(expression).fields));
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      entry = error;
    }
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(expression, entry);
  }
  if (entry instanceof ScheduleError) throw entry;
  return entry;
}

/** Forgets memoised descriptions (for cold-start timings). */
export function clearExplainCache(): void {
  memo.clear();
}
