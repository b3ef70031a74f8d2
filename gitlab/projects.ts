// Projects (lib/api/projects.rb, lib/api/groups.rb `projects`): one project, or every project of a group and its
// subgroups in id order. Reads trim to the typed keys (gitlab/types.ts GlProject).
import { enc, type GitlabClient } from './client';
import { pick } from './groups';
import type { PageOptions } from './paginate';
import type { GlProject } from './types';
import { z } from 'zod';
import { checkResponse, listedProjectSchema } from './schemas';

const listedProjects = z.array(listedProjectSchema);

const PROJECT_KEYS: readonly (keyof GlProject)[] = [
  'id', 'name', 'path', 'path_with_namespace', 'namespace', 'default_branch', 'visibility', 'archived', 'public_jobs',
  'web_url', 'only_allow_merge_if_pipeline_succeeds', 'allow_merge_on_skipped_pipeline',
  'only_allow_merge_if_all_discussions_are_resolved', 'restrict_user_defined_variables',
  'ci_pipeline_variables_minimum_override_role', 'ci_job_token_scope_enabled', 'approvals_before_merge',
  'builds_access_level', 'marked_for_deletion_on', 'forking_access_level', 'last_activity_at',
];

export const trimProject = (p: GlProject): GlProject => {
  const out = pick(p, PROJECT_KEYS);
  const ns = p.namespace as GlProject['namespace'] | null | undefined;
  // A missing namespace stays missing: the project schema then names it, instead of a TypeError here.
  if (ns && typeof ns === 'object') out.namespace = { id: ns.id, kind: ns.kind, full_path: ns.full_path, ...(ns.parent_id !== undefined ? { parent_id: ns.parent_id } : {}) };
  return out;
};

/** GET /projects/:id by numeric id or full path. */
export async function getProject(client: GitlabClient, idOrPath: number | string): Promise<GlProject> {
  return trimProject(await client.get<GlProject>(`/projects/${enc(String(idOrPath))}`));
}

/** GET /groups/:id/projects with subgroups, own projects only (not shared ones), oldest first, page by page. */
export async function* groupProjectPages(client: GitlabClient, groupId: number, extra: Record<string, string | number | boolean> = {}, opts: PageOptions = {}): AsyncGenerator<GlProject[]> {
  const query = { include_subgroups: true, with_shared: false, order_by: 'id', sort: 'asc', per_page: 100, ...extra };
  const path = `/groups/${groupId}/projects`;
  for await (const page of client.pages<GlProject>(path, query, opts)) yield checkResponse(listedProjects, page, path).map(trimProject);
}

/** The token's own access on a project (`permissions` of GET /projects/:id): the higher of project and group access. */
export async function getProjectAccessLevel(client: GitlabClient, id: number): Promise<number> {
  type Access = { access_level?: number } | null;
  const p = await client.get<{ permissions?: { project_access?: Access; group_access?: Access } }>(`/projects/${id}`);
  return Math.max(p.permissions?.project_access?.access_level ?? 0, p.permissions?.group_access?.access_level ?? 0);
}
