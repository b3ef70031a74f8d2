// GitLab's list entities carry dozens of keys no rule reads (links, statistics, permissions…). Keeping only the
// typed ones (gitlab/types.ts) makes a 10,000-project snapshot a fraction of the size in memory and on disk.
import type { GlGroup, GlProject } from '../../gitlab/types';

const PROJECT_KEYS: readonly (keyof GlProject)[] = [
  'id', 'name', 'path', 'path_with_namespace', 'namespace', 'default_branch', 'visibility', 'archived', 'public_jobs',
  'web_url', 'only_allow_merge_if_pipeline_succeeds', 'allow_merge_on_skipped_pipeline',
  'only_allow_merge_if_all_discussions_are_resolved', 'restrict_user_defined_variables',
  'ci_pipeline_variables_minimum_override_role', 'ci_job_token_scope_enabled', 'approvals_before_merge',
  'builds_access_level', 'marked_for_deletion_on', 'forking_access_level', 'last_activity_at',
];

const GROUP_KEYS: readonly (keyof GlGroup)[] = [
  'id', 'name', 'path', 'full_path', 'parent_id', 'visibility', 'web_url', 'require_two_factor_authentication',
  'two_factor_grace_period', 'share_with_group_lock', 'membership_lock', 'prevent_forking_outside_group',
  'prevent_sharing_groups_outside_hierarchy', 'project_creation_level', 'subgroup_creation_level', 'default_branch_protection',
  'default_branch_protection_defaults', 'unique_project_download_limit',
  'unique_project_download_limit_interval_in_seconds', 'unique_project_download_limit_allowlist',
  'unique_project_download_limit_alertlist', 'auto_ban_user_on_excessive_projects_download',
];

/** Absent keys stay absent: below a tier or role GitLab omits them, and absent is not false (gitlab-api.md §2). */
function pick<T extends object>(value: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (k in value) out[k] = value[k];
  return out;
}

export const trimProject = (p: GlProject): GlProject => {
  const out = pick(p, PROJECT_KEYS);
  const ns = p.namespace;
  out.namespace = { id: ns.id, kind: ns.kind, full_path: ns.full_path, ...(ns.parent_id !== undefined ? { parent_id: ns.parent_id } : {}) };
  return out;
};

export const trimGroup = (g: GlGroup): GlGroup => pick(g, GROUP_KEYS);
