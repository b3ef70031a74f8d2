// Baseline targets -> the groups and projects in scope, and the references the snapshot files them under. Shared
// by the full pass, the --since-last pass and everything else that lists targets (provider, detect).
import type { GitlabClient } from '../../gitlab/client';
import { descendantGroupPages, getGroup } from '../../gitlab/groups';
import { getProject, groupProjectPages } from '../../gitlab/projects';
import type { GlGroup, GlProject } from '../../gitlab/types';
import type { Baseline } from '../baseline/types';
import { selectTargets } from '../baseline/targets';
import type { TargetErrorEntry } from '../../model/result';
import type { TargetRef } from '../../model/target';
import { readOf } from './read';

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
export async function resolveTargets(client: GitlabClient, baseline: Baseline): Promise<Resolved> {
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

export const INSTANCE_TARGET: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

export function groupRef(g: Pick<GlGroup, 'id' | 'full_path'>): TargetRef {
  return { kind: 'group', path: g.full_path, id: g.id };
}

export function projectRef(p: Pick<GlProject, 'id' | 'path_with_namespace'>): TargetRef {
  return { kind: 'project', path: p.path_with_namespace, id: p.id };
}
