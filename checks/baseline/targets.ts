// Which groups and projects a baseline covers, given what GitLab listed (pure: the collector feeds it).
import { isExcluded } from '../globs';
import type { Baseline } from './types';

export interface GroupLike {
  id: number;
  full_path: string;
  parent_id: number | null;
}

export interface ProjectLike {
  id: number;
  path_with_namespace: string;
  namespace: { id: number; full_path: string };
}

/**
 * All groups at or under `targets.groups`, their projects, plus `targets.projects`, minus `targets.exclude`
 * (a glob matching a group removes its whole subtree). Deduplicated by id, ordered by full path then id so
 * reports and request order are the same on every run. Paths compare case-insensitively, as GitLab does.
 */
export function selectTargets<G extends GroupLike, P extends ProjectLike>(
  baseline: Pick<Baseline, 'targets'>,
  groups: readonly G[],
  projects: readonly P[],
): { groups: G[]; projects: P[] } {
  const roots = baseline.targets.groups.map((g) => g.toLowerCase());
  const singles = new Set(baseline.targets.projects.map((p) => p.toLowerCase()));
  const { exclude } = baseline.targets;
  const underRoot = (path: string) => {
    const lower = path.toLowerCase();
    return roots.some((r) => lower === r || lower.startsWith(`${r}/`));
  };

  const selectedGroups = dedupe(groups.filter((g) => underRoot(g.full_path) && !isExcluded(exclude, g.full_path)));
  const selectedProjects = dedupe(
    projects.filter(
      (p) => (underRoot(p.namespace.full_path) || singles.has(p.path_with_namespace.toLowerCase())) && !isExcluded(exclude, p.path_with_namespace),
    ),
  );
  return {
    groups: sortBy(selectedGroups, (g) => g.full_path),
    projects: sortBy(selectedProjects, (p) => p.path_with_namespace),
  };
}

function dedupe<T extends { id: number }>(items: T[]): T[] {
  const seen = new Set<number>();
  return items.filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
}

function sortBy<T extends { id: number }>(items: T[], path: (t: T) => string): T[] {
  return [...items].sort((a, b) => compareText(path(a), path(b)) || a.id - b.id);
}

/** Code-point order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
