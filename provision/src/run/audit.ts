// One line per apply on every host it touched, appended to /var/log/cronwarden-fleet/audit.log:
// who, what, which tool version, what happened. Never a secret: only counts and op names.
import { sh } from '../shell.ts';
import type { RunIdentity } from './lock.ts';

export const AUDIT_DIR = '/var/log/cronwarden-fleet';
export const AUDIT_LOG = `${AUDIT_DIR}/audit.log`;

export function auditLine(id: RunIdentity, now: Date, result: string): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  return `${now.toISOString()} run=${id.runId} by=${oneLine(id.holder)} tool=${id.tool} command=${JSON.stringify(oneLine(id.command))} result=${oneLine(result)}`;
}

export function auditCommand(line: string) {
  return sh`mkdir -p -m 0750 -- ${AUDIT_DIR} && printf '%s\\n' ${line} >> ${AUDIT_LOG}`;
}
