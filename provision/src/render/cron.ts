// Crontab text and schedule checks. Debian's cron has no `crontab -T`, so schedules are checked
// here before anything reaches a host (the managed file must never be rejected half-way).
import { explainCron, ScheduleError, validateSchedule } from '../../../app/src/core/schedule/index.ts';
import type { Secret } from '../secrets.ts';
import { renderLines, type Rendered } from './template.ts';

/** First line of every crontab fleet writes; a crontab without it is not ours to replace. */
export const CRONTAB_HEADER = '# managed by cronwarden fleet: edits here are overwritten by `fleet apply`';

export interface CronJob {
  readonly name: string;
  readonly schedule: string;
  /** Parts joined as-is; Secret parts are masked in plans. */
  readonly command: readonly (string | Secret)[];
}

export interface CrontabWant {
  readonly env: Readonly<Record<string, string>>;
  readonly jobs: readonly CronJob[];
}

const MACROS = ['@reboot', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[]; base: number }[] = [
  { name: 'minute', min: 0, max: 59, base: 0 },
  { name: 'hour', min: 0, max: 23, base: 0 },
  { name: 'day of month', min: 1, max: 31, base: 0 },
  { name: 'month', min: 1, max: 12, names: MONTHS, base: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, base: 0 },
];

function value(text: string, field: (typeof FIELDS)[number]): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return index >= 0 ? index + field.base : null;
}

function checkField(text: string, field: (typeof FIELDS)[number]): string | null {
  for (const item of text.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `bad step in ${field.name} "${item}"`;
    if (range === '*') continue;
    const [from = '', to, more] = range.split('-');
    if (more !== undefined) return `bad range in ${field.name} "${item}"`;
    const bounds = [from, ...(to === undefined ? [] : [to])].map((v) => value(v, field));
    if (bounds.some((b) => b === null || b < field.min || b > field.max)) {
      return `${field.name} "${item}" is outside ${field.min}-${field.max}`;
    }
    if (bounds.length === 2 && (bounds[0] ?? 0) > (bounds[1] ?? 0)) return `${field.name} range "${range}" runs backwards`;
    if (step !== undefined && to === undefined) return `${field.name} "${item}": a step needs * or a range`;
  }
  return null;
}

/**
 * Why `schedule` is not a valid schedule for Debian's cron; null when it is. Two checks: the
 * grammar Debian's cron reads (stricter than the schedule engine's: no `L`, `W`, `#`, `5/2`
 * or seconds), then the schedule engine, which refuses what can never fire (`0 0 31 2 *`
 * would be accepted by cron and silently never run).
 */
export function cronScheduleProblem(schedule: string): string | null {
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) return MACROS.includes(trimmed) ? null : `unknown schedule macro ${trimmed}`;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `a schedule has 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = checkField(fields[i] ?? '', field);
    if (problem) return problem;
  }
  try {
    validateSchedule('cron', trimmed);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    return `schedule "${trimmed}" is refused: ${error.message}`;
  }
  return null;
}

/** The job's comment line: its name and, for a five-field schedule, when it runs in words. */
function jobComment(job: CronJob): string {
  const schedule = job.schedule.trim();
  return schedule.startsWith('@') ? `# ${job.name}` : `# ${job.name}: ${explainCron(schedule)}`;
}

/** cron reads an unescaped % as a newline: commands get them escaped. */
function escapePercent(part: string | Secret): string | Secret {
  return typeof part === 'string' ? part.replaceAll('%', '\\%') : part;
}

/** The whole crontab text, header first, env lines, then one commented line plus entry per job. */
export function renderCrontab(want: CrontabWant): Rendered {
  const lines: (string | Secret)[][] = [[CRONTAB_HEADER]];
  for (const [name, value] of Object.entries(want.env).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push([`${name}=${value === '' ? '""' : value}`]);
  }
  for (const job of want.jobs) {
    lines.push([jobComment(job)]);
    lines.push([`${job.schedule.trim()} `, ...job.command.map(escapePercent)]);
  }
  return renderLines(lines);
}
