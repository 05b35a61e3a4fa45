// Where templates come from: the repository's own folders (systemd/, nftables/, haproxy/,
// wireguard/), or a path relative to the inventory file (./units/app.service) for an
// operator's own files. Reading happens here; rendering stays pure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (templates ship at its top level). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TEMPLATE_FOLDERS = ['systemd', 'nftables', 'haproxy', 'wireguard'];

export interface TemplateSource {
  /** The template text, or a problem message. */
  read(ref: string): { source: string } | { problem: string };
}

/** Templates from the repository and from the inventory's folder, read once each. */
export function fileTemplates(inventoryFile: string): TemplateSource {
  const cache = new Map<string, { source: string } | { problem: string }>();
  return {
    read(ref) {
      const cached = cache.get(ref);
      if (cached) return cached;
      let file: string | null = null;
      if (ref.startsWith('./') || ref.startsWith('../')) file = path.resolve(path.dirname(inventoryFile), ref);
      else if (TEMPLATE_FOLDERS.some((f) => ref.startsWith(`${f}/`)) && !ref.split('/').includes('..')) file = path.join(REPO_ROOT, ref);
      let result: { source: string } | { problem: string };
      if (file === null) result = { problem: `template ${JSON.stringify(ref)} must start with ${TEMPLATE_FOLDERS.map((f) => `${f}/`).join(', ')} (shipped) or ./ (next to the inventory)` };
      else {
        try {
          result = { source: readFileSync(file, 'utf8') };
        } catch (error) {
          result = { problem: `cannot read template ${ref} (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
        }
      }
      cache.set(ref, result);
      return result;
    },
  };
}
