// Groups (lib/api/groups.rb): the group itself, its subgroups and the top-level list. Reads trim to the typed keys
// (gitlab/types.ts GlGroup): GitLab's entities carry dozens no rule reads, and a 10,000-target snapshot is a
// fraction of the size without them.
import { enc, type GitlabClient } from './client';
import type { GlGroup } from './types';
import type { GlGroupAncestor } from '../model/snapshot';

const GROUP_KEYS: readonly (keyof GlGroup)[] = [
  'id', 'name', 'path', 'full_path', 'parent_id', 'visibility', 'web_url', 'require_two_factor_authentication',
  'two_factor_grace_period', 'share_with_group_lock', 'membership_lock', 'prevent_forking_outside_group',
  'prevent_sharing_groups_outside_hierarchy', 'project_creation_level', 'subgroup_creation_level', 'default_branch_protection',
  'default_branch_protection_defaults', 'unique_project_download_limit',
  'unique_project_download_limit_interval_in_seconds', 'unique_project_download_limit_allowlist',
  'unique_project_download_limit_alertlist', 'auto_ban_user_on_excessive_projects_download',
];

/** Absent keys stay absent: below a tier or role GitLab omits them, and absent is not false. */
export function pick<T extends object>(value: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (k in value) out[k] = value[k];
  return out;
}

export const trimGroup = (g: GlGroup): GlGroup => pick(g, GROUP_KEYS);

/** GET /groups/:id by numeric id or full path. GroupDetail embeds up to 100 projects unless with_projects=false. */
export async function getGroup(client: GitlabClient, idOrPath: number | string): Promise<GlGroup> {
  return trimGroup(await client.get<GlGroup>(`/groups/${enc(String(idOrPath))}`, { with_projects: false }));
}

/** GitLab caps nesting at 20 levels (Namespace::NUMBER_OF_ANCESTORS_ALLOWED). */
/** GitLab caps nesting at 20 levels (Namespace::NUMBER_OF_ANCESTORS_ALLOWED). */
export const MAX_ANCESTORS = 20;

/** What the two-factor rules read of an ancestor (model/snapshot.ts GlGroupAncestor); also what Pulumi state keeps. */
export function toAncestor(g: GlGroup): GlGroupAncestor {
  return {
    id: g.id,
    full_path: g.full_path,
    parent_id: g.parent_id,
    require_two_factor_authentication: g.require_two_factor_authentication,
    two_factor_grace_period: g.two_factor_grace_period,
  };
}

/**
 * A group's ancestors, closest first, read by walking parent_id (GET /groups/:id?with_projects=false, once each;
 * REST has no ancestors endpoint). GitLab enforces 2FA on a member when the group or any ancestor requires it
 * (User#expanded_groups_requiring_two_factor_authentication), so 2FA is judged with these. A failed read throws.
 */
export async function listAncestors(client: GitlabClient, group: Pick<GlGroup, 'parent_id'>): Promise<GlGroup[]> {
  const out: GlGroup[] = [];
  for (let id = group.parent_id ?? null; id !== null && out.length < MAX_ANCESTORS; ) {
    const g = await getGroup(client, id);
    out.push(g);
    id = g.parent_id ?? null;
  }
  return out;
}

/** GET /groups/:id/descendant_groups, page by page (every level below the group). */
export async function* descendantGroupPages(client: GitlabClient, id: number): AsyncGenerator<GlGroup[]> {
  for await (const page of client.pages<GlGroup>(`/groups/${id}/descendant_groups`, { per_page: 100 })) yield page.map(trimGroup);
}

/** GET /groups?top_level_only: every top-level group the token sees (all for an admin, else at `minAccessLevel`). */
export function listTopLevelGroups(client: GitlabClient, opts: { admin: boolean; minAccessLevel: number }): Promise<GlGroup[]> {
  const query: Record<string, string | number | boolean> = { top_level_only: true, per_page: 100 };
  if (opts.admin) query.all_available = true;
  else query.min_access_level = opts.minAccessLevel;
  return client.all<GlGroup>('/groups', query);
}

/** GET /groups?min_access_level: the groups where the token has at least that role, descendants included. */
export function listGroupsWithAccess(client: GitlabClient, minAccessLevel: number): Promise<GlGroup[]> {
  return client.all<GlGroup>('/groups', { min_access_level: minAccessLevel, per_page: 100 }).then((gs) => gs.map(trimGroup));
}
