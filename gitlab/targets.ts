// Baseline targets -> the groups and projects in scope: list them through gitlab/ (resolveTargets), then select
// what the baseline covers (selectTargets, pure). The collector, detect and the Pulumi program share it.
import { isExcluded } from '../lib/globs';
import type { Baseline } from '../model/baseline';
import type { TargetErrorEntry } from '../model/result';
import { groupRef } from '../model/target';
import type { GitlabClient } from './client';
import { descendantGroupPages, getGroup } from './groups';
import { getProject, groupProjectPages } from './projects';
import { readOf } from './read';
import type { GlGroup, GlProject } from './types';

export interface Resolved {
  groups: GlGroup[];
  projects: GlProject[];
  errors: TargetErrorEntry[];
}

/**
 * Baseline targets -> the groups and projects in scope. A group that cannot be read, or whose subgroup or
 * project listing breaks off, is an error on that group: what was listed is still checked, but the run is
 * incomplete (exit 2), because unlisted projects would otherwise pass as "clean".
 */
export async function resolveTargets(client: GitlabClient, baseline: Pick<Baseline, 'targets'>): Promise<Resolved> {
  const groups: GlGroup[] = [];
  const projects: GlProject[] = [];
  const errors: TargetErrorEntry[] = [];
  for (const path of baseline.targets.groups) {
    const top = await readTargetGroup(client, path, errors);
    if (!top) continue;
    groups.push(top);
    const target = groupRef(top);
    const [subgroups, listed] = await Promise.all([
      drain(descendantGroupPages(client, top.id)),
      drain(groupProjectPages(client, top.id)),
    ]);
    groups.push(...subgroups.items);
    projects.push(...listed.items);
    if (subgroups.error) errors.push({ target, message: `listing subgroups stopped after ${subgroups.items.length}: ${subgroups.error}` });
    if (listed.error) errors.push({ target, message: `listing projects stopped after ${listed.items.length}: ${listed.error}` });
  }
  for (const path of baseline.targets.projects) {
    const project = await readOf(() => getProject(client, path));
    if (project.ok) projects.push(project.value);
    else errors.push({ target: { kind: 'project', path, id: 0 }, message: project.error.message });
  }
  const selected = selectTargets(baseline, groups, projects);
  return { groups: selected.groups, projects: selected.projects, errors };
}

/**
 * A group the baseline names, read in detail (the detail carries what lists omit, such as the Git abuse keys of a
 * top-level group). A failed read is an error on that group, and the caller skips it.
 */
export async function readTargetGroup(client: GitlabClient, path: string, errors: TargetErrorEntry[]): Promise<GlGroup | undefined> {
  const top = await readOf(() => getGroup(client, path));
  if (top.ok) return top.value;
  errors.push({ target: { kind: 'group', path, id: 0 }, message: top.error.message });
  return undefined;
}

/** Every page of a listing; where it breaks off, what was listed and the error. */
async function drain<T>(pages: AsyncGenerator<T[]>): Promise<{ items: T[]; error?: string }> {
  const items: T[] = [];
  const result = await readOf(async () => {
    for await (const page of pages) items.push(...page);
  });
  return result.ok ? { items } : { items, error: result.error.message };
}


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
