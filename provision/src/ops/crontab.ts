import { crontabFact, type CrontabState } from '../facts/crontab.ts';
import { fileDiff } from '../render/diff.ts';
import { CRONTAB_HEADER, renderCrontab, type CrontabWant } from '../render/cron.ts';
import { sh } from '../shell.ts';
import { run, Refusal, type Change, type Operation, type PlanContext } from './types.ts';

/**
 * Installs the user's whole crontab with `crontab -u USER FILE`, then reads it back. A crontab
 * fleet did not write (no header) is replaced only with --adopt: `crontab FILE` replaces every
 * line, and hand-added jobs would vanish silently.
 */
export function crontabChange(user: string, want: CrontabWant, have: CrontabState, ctx: PlanContext): Change | null {
  const content = renderCrontab(want);
  if (have.text === content.text) return null;
  const ours = have.text === null || have.text.trim() === '' || have.text.split('\n')[0] === CRONTAB_HEADER;
  if (!ours && !ctx.adopt) {
    const lines = (have.text ?? '').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    throw new Refusal(
      `the crontab of ${user} has ${lines.length} line(s) fleet does not manage:\n${lines.map((l) => `    ${ctx.redactor.redact(l)}`).join('\n')}\n  Move them into the inventory, then run again with --adopt to replace the whole crontab.`,
    );
  }
  const diff = fileDiff(`/var/spool/cron/crontabs/${user}`, have.text === null ? null : Buffer.from(have.text), content, ctx.redactor);
  const install = sh`t=$(mktemp) && cat > "$t" && crontab -u ${user} "$t"; rc=$?; rm -f -- "$t"; exit $rc`;
  return {
    summary: [`${have.text === null ? 'install' : ours ? 'update' : 'adopt and replace'} crontab of ${user} (${want.jobs.length} job(s))${have.userExists ? '' : ` (${user} does not exist yet: an earlier change must create it)`}`, ...diff.changedSecrets.map((n) => `«secret ${n}» changed (value not shown)`)],
    ...(diff.diff ? { diff: diff.diff } : {}),
    steps: [
      run(install, { stdin: Buffer.from(content.text) }),
      run(sh`crontab -l -u ${user}`, { expect: { stdout: content.text, what: `the crontab of ${user} read back differs from what was written` } }),
    ],
  };
}

export function crontabOperation(user: string, want: CrontabWant): Operation<{ crontab: CrontabState }> {
  return {
    id: `crontab ${user}`,
    facts: { crontab: crontabFact(user) },
    plan: (have, ctx) => crontabChange(user, want, have.crontab, ctx),
    // Whether the user exists yet is not part of it: an earlier operation may create the user.
    precondition: ({ crontab }) => crontab.text,
  };
}
