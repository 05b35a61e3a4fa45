// The command that writes a whole file safely: a temporary file in the target's own folder (so
// the final rename is atomic on the same filesystem), owner and mode set before it is visible,
// checked by a validator, flushed to disk, the old file kept as <path>.fleet-prev, then renamed
// over the target and the folder flushed. Content arrives on stdin, never in the command text,
// so it works through sudo and no secret is ever part of a command line.
import path from 'node:path';
import type { UploadStep } from '../ops/types.ts';
import { asArgument, sh } from '../shell.ts';

/** Exit status of the upload command when the validator refused the file. */
export const VALIDATION_FAILED = 65;

/** `<dir>/.<name>.fleet-<nonce>`: hidden, next to the target, unique per run. */
export function temporaryPath(target: string, nonce: string): string {
  return path.posix.join(path.posix.dirname(target), `.${path.posix.basename(target)}.fleet-${nonce}`);
}

/** The whole upload as one shell script (stdin: the content). */
export function uploadCommand(step: UploadStep, nonce: string) {
  const tmp = temporaryPath(step.path, nonce);
  const dir = path.posix.dirname(step.path);
  const validate = step.validate
    ? sh`if ! ${step.validate.command(tmp)} >&2; then echo ${`${step.validate.name} refused the new ${step.path}; the live file is untouched`} >&2; exit ${VALIDATION_FAILED}; fi
`
    : sh``;
  const keep = step.keepPrevious ? sh`if [ -e ${step.path} ]; then ln -f -- ${step.path} ${`${step.path}.fleet-prev`}; fi
` : sh``;
  return sh`set -eu
trap ${asArgument(sh`rm -f -- ${tmp}`)} EXIT
(umask 077 && set -C && cat > ${tmp})
chown -- ${`${step.owner}:${step.group}`} ${tmp}
chmod -- ${step.mode} ${tmp}
${validate}sync -- ${tmp}
${keep}mv -f -T -- ${tmp} ${step.path}
sync -- ${dir}`;
}
