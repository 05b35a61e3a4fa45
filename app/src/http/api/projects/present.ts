// The only place a project becomes JSON (Cronwarden's account API; Healthchecks has none).
import type { ProjectRecord } from '../../../db/queries/projects.ts';
import { isoSeconds } from '../checks/present.ts';

/** `{"uuid", "name", "ping_key", "created"}`. The badge key is a secret and never shown. */
export function presentProject(project: ProjectRecord): Record<string, unknown> {
  return { uuid: project.code, name: project.name, ping_key: project.pingKey, created: isoSeconds(project.createdAt) };
}
