// `cronwarden cron eval`: JSON lines in, JSON lines out, for scripts and conformance checks.
// `cronwarden cron next "<expr>" --tz <zone> [--count N]`: the next fire times, for people.
// Loads only the schedule engine (no pg, no express), so it starts fast and streams quickly.
import { once } from 'node:events';
import {
  ScheduleError,
  explainCron,
  fireTimes,
  formatInZone,
  guessKind,
  parseSchedule,
  type ScheduleKind,
} from '../core/schedule/index.ts';

const USAGE = `usage: cronwarden cron eval            (JSON lines on stdin, one answer per line on stdout)
       cronwarden cron next "<expr>" [--tz <zone>] [--count N] [--kind cron|oncalendar]

eval request:  {"id":1,"expr":"30 1 * * *","tz":"Europe/Dublin","start":"2021-03-27T00:00:00+00:00",
                "count":5,"reverse":false}    answer: {"id":1,"times":[...]} or {"id":1,"error":"..."}
               {"id":2,"op":"explain","expr":"0 0 1 3/2 *"}    answer: {"id":2,"explain":"..."}
               "kind" (cron or oncalendar) defaults to cron; "tz" to UTC; "count" to 1 (at most 1000).
`;
const MAX_COUNT = 1000;
const FLUSH_AT = 1 << 16;

interface Request {
  id?: unknown;
  op?: unknown;
  expr?: unknown;
  kind?: unknown;
  tz?: unknown;
  start?: unknown;
  count?: unknown;
  reverse?: unknown;
}

class RequestError extends Error {}

function field<T>(value: unknown, fallback: T, check: (v: unknown) => v is T, name: string): T {
  if (value === undefined) return fallback;
  if (!check(value)) throw new RequestError(`${name} has the wrong type`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isCount = (v: unknown): v is number => Number.isInteger(v) && Number(v) >= 0;
const isKind = (v: unknown): v is ScheduleKind => v === 'cron' || v === 'oncalendar';

/** Fire times as ISO-8601 local times of `tz`, stepping from `start` (whole seconds). */
function times(request: Request): string[] {
  const expr = field(request.expr, '', isString, 'expr');
  const kind = field(request.kind, 'cron', isKind, 'kind');
  const tz = field(request.tz, 'UTC', isString, 'tz');
  const count = Math.min(field(request.count, 1, isCount, 'count'), MAX_COUNT);
  const reverse = field(request.reverse, false, isBoolean, 'reverse');
  const schedule = parseSchedule(kind, expr, tz);
  const startText = field<string | undefined>(request.start, undefined, isString, 'start');
  const at = startText === undefined ? NaN : Date.parse(startText);
  if (Number.isNaN(at)) throw new RequestError('start is missing or not an ISO-8601 time');
  return fireTimes(schedule, new Date(at), count, reverse).map((time) => formatInZone(time, tz));
}

/** The answer line for one request line. */
export function answer(line: string): string {
  let request: Request;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RequestError('not an object');
    request = parsed;
  } catch (error) {
    return JSON.stringify({ id: null, error: `Bad request: ${error instanceof Error ? error.message : String(error)}` });
  }
  const id = request.id ?? null;
  try {
    const op = field(request.op, 'next', isString, 'op');
    if (op === 'explain') return JSON.stringify({ id, explain: explainCron(field(request.expr, '', isString, 'expr')) });
    if (op !== 'next') throw new RequestError(`unknown op "${op}"`);
    return JSON.stringify({ id, times: times(request) });
  } catch (error) {
    if (error instanceof ScheduleError || error instanceof RequestError) return JSON.stringify({ id, error: error.message });
    throw error;
  }
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

async function evaluate(): Promise<number> {
  let pending = '';
  let out: string[] = [];
  let size = 0;
  const handle = async (line: string) => {
    if (line.trim() === '') return;
    const text = answer(line);
    out.push(text);
    size += text.length + 1;
    if (size >= FLUSH_AT) {
      const chunk = out.join('\n') + '\n';
      [out, size] = [[], 0];
      await write(chunk);
    }
  };
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    const lines = (pending + String(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) await handle(line);
  }
  await handle(pending);
  if (out.length > 0) await write(out.join('\n') + '\n');
  return 0;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function next(args: string[]): number {
  const expr = args[0];
  if (expr === undefined || expr.startsWith('--')) {
    process.stderr.write(USAGE);
    return 2;
  }
  const tz = option(args, '--tz') ?? 'UTC';
  const count = Number(option(args, '--count') ?? '5');
  const kind = option(args, '--kind') ?? guessKind(expr);
  if (!isKind(kind) || !isCount(count)) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const schedule = parseSchedule(kind, expr, tz);
    const lines = kind === 'cron' ? [`${explainCron(expr)} (${tz})`] : [];
    let cursor: Date | null = new Date();
    for (let i = 0; i < Math.min(count, MAX_COUNT) && cursor !== null; i++) {
      cursor = schedule.next(cursor);
      lines.push(cursor === null ? 'never fires again' : formatInZone(cursor, tz));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    process.stderr.write(`cronwarden: ${error.message}\n`);
    return 1;
  }
}

/** `cronwarden cron eval|next ...`. */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'eval' && rest.length === 0) return evaluate();
  if (sub === 'next') return next(rest);
  process.stderr.write(USAGE);
  return 2;
}
