import { createHash } from 'node:crypto';
import { sh } from '../shell.ts';
import { unexpected, type CommandOutput, type Fact } from './types.ts';

/** Files larger than this are compared by checksum only: no diff, no content transfer. */
export const MAX_CONTENT_BYTES = 1024 * 1024;

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export type FileState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly type: FileType;
      /** Permission bits in octal, four digits: "0644". */
      readonly mode: string;
      readonly owner: string;
      readonly group: string;
      readonly size: number;
      readonly sha256: string | null;
      /** The bytes of a regular file up to MAX_CONTENT_BYTES; null otherwise. */
      readonly content: Buffer | null;
    };

const TYPES: Record<string, FileType> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'symlink',
};

/** Type, mode, owner and (for a small regular file) the content of `path`, without following a symlink. */
export function fileFact(path: string): Fact<FileState> {
  return {
    key: `file ${path}`,
    command: sh`if [ -e ${path} ] || [ -L ${path} ]; then stat -c '%F|%a|%U|%G|%s' -- ${path} && if [ -f ${path} ] && [ ! -L ${path} ]; then if [ "$(stat -c %s -- ${path})" -gt ${MAX_CONTENT_BYTES} ]; then sha256sum -- ${path}; else base64 -w0 -- ${path}; echo; fi; fi; else echo absent; fi`,
    parse: (output) => parseFile(path, output),
  };
}

function parseFile(path: string, output: CommandOutput): FileState {
  if (output.exitCode !== 0) unexpected(`reading ${path}`, output);
  const [head = '', body] = output.stdout.split('\n');
  if (head === 'absent') return { exists: false };
  const [kind = '', mode = '', owner = '', group = '', size = ''] = head.split('|');
  if (!/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(size)) unexpected(`reading ${path}: cannot parse "${head}"`, output);
  const type = TYPES[kind] ?? 'other';
  const common = { exists: true as const, type, mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
  if (type !== 'file' || body === undefined) return { ...common, sha256: null, content: null };
  if (Number(size) > MAX_CONTENT_BYTES) return { ...common, sha256: body.split(' ')[0] ?? null, content: null };
  const content = Buffer.from(body, 'base64');
  return { ...common, sha256: createHash('sha256').update(content).digest('hex'), content };
}
