// Commands that check a file before it replaces the live one (the temp copy's path is passed).
// Each exits non-zero with a message on a bad file, so a broken config never goes live.
import path from 'node:path';
import { sh } from '../shell.ts';
import type { Validator } from './types.ts';

/** `systemd-analyze verify` wants the unit's real name, so it checks a copy under that name. */
export function systemdUnitValidator(unitName: string): Validator {
  return {
    name: 'systemd-analyze verify',
    command: (tmp) =>
      sh`d=$(mktemp -d) && cp -- ${tmp} "$d"/${unitName} && { systemd-analyze verify -- "$d"/${unitName}; rc=$?; rm -rf -- "$d"; exit $rc; }`,
  };
}

export const haproxyValidator: Validator = { name: 'haproxy -c', command: (tmp) => sh`haproxy -c -q -f ${tmp}` };
export const sshdValidator: Validator = { name: 'sshd -t', command: (tmp) => sh`/usr/sbin/sshd -t -f ${tmp}` };
export const nftValidator: Validator = { name: 'nft -c', command: (tmp) => sh`nft -c -f ${tmp}` };
export const sudoersValidator: Validator = { name: 'visudo -c', command: (tmp) => sh`visudo -c -q -f ${tmp}` };

/** The validator that applies to a file path by convention, if any. */
export function validatorFor(file: string): Validator | null {
  // Unit files only: a drop-in (x.service.d/override.conf) is not a unit on its own.
  if (/^\/etc\/systemd\/system\/[^/]+\.(service|socket|timer|target|path|mount)$/.test(file)) return systemdUnitValidator(path.basename(file));
  if (file.startsWith('/etc/haproxy/') && file.endsWith('.cfg')) return haproxyValidator;
  if (file === '/etc/ssh/sshd_config' || file.startsWith('/etc/ssh/sshd_config.d/')) return sshdValidator;
  if (file === '/etc/nftables.conf' || file.endsWith('.nft')) return nftValidator;
  if (file.startsWith('/etc/sudoers')) return sudoersValidator;
  return null;
}
