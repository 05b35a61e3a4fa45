// The deploy lock: an atomic `mkdir` on every target host (Kamal's design), holding a file that
// says who holds it, for what, since when. A second apply sees the holder and stops.
import { sh } from '../shell.ts';

export const STATE_DIR = '/var/lib/cronwarden-fleet';
export const LOCK_DIR = `${STATE_DIR}/lock`;

/** Who runs what: written into the lock and the audit line. */
export interface RunIdentity {
  /** Random id of this run; only this run may release its lock. */
  readonly runId: string;
  /** user@machine of the operator. */
  readonly holder: string;
  /** The command line, for people reading the lock or the audit log. */
  readonly command: string;
  /** The tool's git commit (or "unknown"). */
  readonly tool: string;
}

export type LockResult = { readonly acquired: true } | { readonly acquired: false; readonly details: string };

export function lockDetails(id: RunIdentity, now: Date): string {
  return [`holder=${id.holder}`, `command=${id.command}`, `run=${id.runId}`, `since=${now.toISOString()}`, `tool=${id.tool}`].join('\n');
}

/** Takes the lock if free; otherwise prints who holds it. */
export function acquireLockCommand(id: RunIdentity, now: Date) {
  return sh`mkdir -p -m 0700 -- ${STATE_DIR} && if mkdir -m 0700 -- ${LOCK_DIR} 2>/dev/null; then printf '%s\\n' ${lockDetails(id, now)} > ${`${LOCK_DIR}/holder`} && echo acquired; else echo held; cat -- ${`${LOCK_DIR}/holder`} 2>/dev/null || echo '(no holder file: a run died while taking the lock)'; fi`;
}

export function parseLockResult(stdout: string): LockResult | null {
  const [first, ...rest] = stdout.split('\n');
  if (first === 'acquired') return { acquired: true };
  if (first === 'held') return { acquired: false, details: rest.join('\n').trim() };
  return null;
}

/** Releases the lock only if this run holds it (or unconditionally with force). */
export function releaseLockCommand(runId: string | null) {
  if (runId === null) return sh`if [ -d ${LOCK_DIR} ]; then rm -rf -- ${LOCK_DIR} && echo released; else echo free; fi`;
  return sh`if grep -qxF ${`run=${runId}`} ${`${LOCK_DIR}/holder`} 2>/dev/null; then rm -rf -- ${LOCK_DIR} && echo released; else echo not-ours; fi`;
}

/** Prints the holder file, or `free`. */
export function lockStatusCommand() {
  return sh`if [ -d ${LOCK_DIR} ]; then echo held; cat -- ${`${LOCK_DIR}/holder`} 2>/dev/null; else echo free; fi`;
}
