import type { Fact } from '../facts/types.ts';
import type { Redactor } from '../secrets.ts';
import type { ShellCommand } from '../shell.ts';

/** Checks a file before it goes live; gets the path of the uploaded temporary copy. */
export interface Validator {
  readonly name: string;
  command(tmpPath: string): ShellCommand;
}

export interface RunStep {
  readonly kind: 'run';
  readonly command: ShellCommand;
  /** Bytes for the command's stdin (file contents travel here, never in command text). */
  readonly stdin?: Buffer;
  /** Post-write verification: stdout must equal `stdout`, else the step fails with `what`. */
  readonly expect?: { readonly stdout: string; readonly what: string };
  /** Read-only command whose output is shown when the step fails (a unit's journal). */
  readonly diagnose?: ShellCommand;
}

/** Write a whole file atomically: temp file in its folder, validate, fsync, mode, owner, rename. */
export interface UploadStep {
  readonly kind: 'upload';
  readonly path: string;
  readonly content: Buffer;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  readonly validate: Validator | null;
  /** Keep the file being replaced as `<path>.fleet-prev`. */
  readonly keepPrevious: boolean;
}

export type Step = RunStep | UploadStep;

/** What one operation would change on one host. */
export interface Change {
  /** Human lines, most important first: "install packages curl, cron". */
  readonly summary: readonly string[];
  /** Masked unified diff, when a file's content changes. */
  readonly diff?: string;
  readonly steps: readonly Step[];
}

export interface Notify {
  readonly unit: string;
  readonly action: 'restart' | 'reload';
}

export interface PlanContext {
  /** Restarts and reloads that earlier changes on this host ask of each unit, with reasons. */
  readonly notified: ReadonlyMap<string, { readonly restart: readonly string[]; readonly reload: readonly string[] }>;
  /** `--adopt`: replace crontabs that have lines fleet does not manage. */
  readonly adopt: boolean;
  readonly redactor: Redactor;
}

/**
 * One piece of desired state on one host. `plan` is pure: facts in, the change needed out;
 * null means already there (the proof of idempotence).
 */
export interface Operation<H extends object = Record<string, unknown>> {
  /** Unique per host: "file /etc/app.conf", "unit app.service". */
  readonly id: string;
  readonly facts: { readonly [K in keyof H]: Fact<H[K]> };
  /** Its change may alter any later operation's facts (package installs): re-plan, not stale. */
  readonly broad?: boolean;
  /** Units to restart or reload when this operation changes something. */
  readonly notify?: readonly Notify[];
  /** Throws Refusal when the change must not be made without a person deciding. */
  plan(have: H, ctx: PlanContext): Change | null;
  /** What must be unchanged between plan and apply; defaults to all facts. */
  precondition?(have: H): unknown;
}

/** The operation will not proceed on its own (unmanaged crontab lines, a masked unit, ...). */
export class Refusal extends Error {
  override name = 'Refusal';
}

/** A single command step. */
export function run(command: ShellCommand, extra: Omit<RunStep, 'kind' | 'command'> = {}): RunStep {
  return { kind: 'run', command, ...extra };
}

/** Octal mode string "0640" → number, for checks. */
export function modeBits(mode: string): number {
  return Number.parseInt(mode, 8);
}
