import { createHash } from 'node:crypto';
import { fileFact, type FileState } from '../facts/files.ts';
import { fileDiff } from '../render/diff.ts';
import type { Rendered } from '../render/template.ts';
import { join, sh } from '../shell.ts';
import { run, Refusal, type Change, type Notify, type Operation, type PlanContext, type Step, type Validator } from './types.ts';

/** Where pending restarts and reloads are written before the change that needs them. */
export const PENDING_DIR = '/var/lib/cronwarden-fleet/pending';

export interface FileWant {
  readonly path: string;
  readonly content: Rendered;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  readonly validate: Validator | null;
  readonly notify: readonly Notify[];
}

export interface DirectoryWant {
  readonly path: string;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

/** The marker file recording that `unit` still needs `action`. */
export function pendingMarker(unit: string, action: 'restart' | 'reload'): string {
  return `${PENDING_DIR}/${unit}.${action}`;
}

/**
 * Steps recording, on the host, that units must be restarted or reloaded. Written before the
 * change itself, so a run that dies between the two leaves the restart to the next run
 * (Ansible's lost-handler problem, ansible#10498).
 */
export function pendingSteps(notify: readonly Notify[], reason: string): Step[] {
  if (notify.length === 0) return [];
  const writes = notify.map((n) => sh`printf '%s\\n' ${reason} >> ${pendingMarker(n.unit, n.action)}`);
  return [run(join([sh`mkdir -p -m 0700 -- ${PENDING_DIR}`, ...writes], '&&'))];
}

function ownershipSteps(path: string, want: { mode: string; owner: string; group: string }, have: FileState): { steps: Step[]; summary: string[] } {
  if (!have.exists) return { steps: [], summary: [] };
  const steps: Step[] = [];
  const summary: string[] = [];
  if (have.owner !== want.owner || have.group !== want.group) {
    steps.push(run(sh`chown -h -- ${`${want.owner}:${want.group}`} ${path}`));
    summary.push(`owner ${have.owner}:${have.group} → ${want.owner}:${want.group}`);
  }
  if (have.mode !== want.mode) {
    steps.push(run(sh`chmod ${want.mode} -- ${path}`));
    summary.push(`mode ${have.mode} → ${want.mode}`);
  }
  return { steps, summary };
}

/** The change that makes `have` the wanted file; null when it already is. */
export function fileChange(want: FileWant, have: FileState, ctx: PlanContext): Change | null {
  if (have.exists && have.type !== 'file') {
    throw new Refusal(`${want.path} exists and is a ${have.type}, not a file: move it away by hand`);
  }
  const bytes = Buffer.from(want.content.text, 'utf8');
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (have.exists && have.sha256 === sha) {
    const { steps, summary } = ownershipSteps(want.path, want, have);
    return steps.length === 0 ? null : { summary: [`file ${want.path}: ${summary.join(', ')}`], steps };
  }
  const diff = fileDiff(want.path, have.exists ? have.content : null, want.content, ctx.redactor);
  const secretNote = diff.changedSecrets.map((name) => `«secret ${name}» changed (value not shown)`);
  const action = have.exists ? `update file ${want.path}` : `create file ${want.path} (${want.mode} ${want.owner}:${want.group})`;
  const via = want.validate ? `, checked with ${want.validate.name}` : '';
  const upload: Step = {
    kind: 'upload',
    path: want.path,
    content: bytes,
    mode: want.mode,
    owner: want.owner,
    group: want.group,
    validate: want.validate,
    keepPrevious: have.exists,
  };
  return {
    summary: [`${action}${via}`, ...secretNote],
    ...(diff.diff ? { diff: diff.diff } : {}),
    steps: [...pendingSteps(want.notify, `${want.path} changed`), upload],
  };
}

/** A file rendered from a template (or code), installed atomically. */
export function fileOperation(want: FileWant): Operation<{ file: FileState }> {
  return {
    id: `file ${want.path}`,
    facts: { file: fileFact(want.path) },
    notify: want.notify,
    plan: (have, ctx) => fileChange(want, have.file, ctx),
    precondition: ({ file }) => (file.exists ? [file.type, file.mode, file.owner, file.group, file.sha256] : 'absent'),
  };
}

/** The change that makes `have` the wanted directory; null when it already is. */
export function directoryChange(want: DirectoryWant, have: FileState): Change | null {
  if (!have.exists) {
    return {
      summary: [`create directory ${want.path} (${want.mode} ${want.owner}:${want.group})`],
      steps: [run(sh`install -d -m ${want.mode} -o ${want.owner} -g ${want.group} -- ${want.path}`)],
    };
  }
  if (have.type !== 'directory') throw new Refusal(`${want.path} exists and is a ${have.type}, not a directory: move it away by hand`);
  const { steps, summary } = ownershipSteps(want.path, want, have);
  return steps.length === 0 ? null : { summary: [`directory ${want.path}: ${summary.join(', ')}`], steps };
}

export function directoryOperation(want: DirectoryWant): Operation<{ dir: FileState }> {
  return {
    id: `directory ${want.path}`,
    facts: { dir: fileFact(want.path) },
    plan: (have) => directoryChange(want, have.dir),
  };
}
