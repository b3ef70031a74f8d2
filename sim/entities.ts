// Response entities for groups, projects and users: which keys appear depends on edition, licence tier,
// role and top-level-ness, the way GitLab's Grape entities decide it (docs/gitlab-behaviour.md, Tier detection and packaging / Group settings / Visibility / Git abuse rate limits).
import { TIERS, type Tier } from '../gitlab/types';
import { groupRole, projectRole, Role, webUrl, type SimContext } from './kit';
import { runtimeOf } from './runtime';
import type { SimGroup, SimProject, SimState, SimUser } from './state';

/**
 * The tier that gates a namespace's paid features. Self-managed: the licence, the same for every namespace
 * (`License.feature_available?`). GitLab.com-like: the plan of the namespace's top-level group
 * (`Namespace#licensed_feature_available?` -> `actual_plan`, ee/app/models/ee/namespace.rb), so two groups on one
 * instance can differ. `where` absent (instance-level routes): the sim's tier.
 */
export function tierOf(state: SimState, where?: SimGroup | SimProject): Tier {
  if (!where || !runtimeOf(state).saas) return state.tier;
  return rootGroupOf(state, where)?.plan ?? state.tier;
}

export function atLeastTier(state: SimState, tier: Tier, where?: SimGroup | SimProject): boolean {
  return state.edition === 'ee' && TIERS.indexOf(tierOf(state, where)) >= TIERS.indexOf(tier);
}

/** The top-level group of a group or of a project's namespace (undefined for a project in a user namespace). */
export function rootGroupOf(state: SimState, where: SimGroup | SimProject): SimGroup | undefined {
  let g: SimGroup | undefined = 'namespace' in where && 'path_with_namespace' in where ? state.groups.find((x) => x.id === where.namespace.id) : (where as SimGroup);
  for (let i = 0; g && g.parent_id !== null && i < 100; i++) g = state.groups.find((x) => x.id === g!.parent_id);
  return g;
}

/** GET /groups list entity (no projects, no Git-abuse keys). */
export function groupEntity(ctx: SimContext, g: SimGroup): Record<string, unknown> {
  const { state } = ctx;
  const out: Record<string, unknown> = {
    id: g.id,
    web_url: webUrl(ctx, 'group', g.full_path),
    name: g.name,
    path: g.path,
    description: '',
    visibility: g.visibility,
    share_with_group_lock: g.share_with_group_lock ?? false,
    require_two_factor_authentication: g.require_two_factor_authentication,
    two_factor_grace_period: g.two_factor_grace_period,
    project_creation_level: g.project_creation_level ?? 'maintainer',
    auto_devops_enabled: null,
    subgroup_creation_level: g.subgroup_creation_level ?? 'maintainer',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    default_branch: null,
    default_branch_protection: g.default_branch_protection ?? 2,
    // Namespace#default_branch_protection_settings: the group's own hash, else the instance's.
    default_branch_protection_defaults: g.default_branch_protection_defaults ?? state.application_settings.default_branch_protection_defaults ?? {},
    avatar_url: null,
    request_access_enabled: true,
    full_name: g.full_name ?? g.name,
    full_path: g.full_path,
    created_at: g.created_at ?? null,
    parent_id: g.parent_id,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    ldap_cn: null,
    ldap_access: null,
    marked_for_deletion_on: null,
  };
  if (g.parent_id === null) out.prevent_sharing_groups_outside_hierarchy = g.prevent_sharing_groups_outside_hierarchy ?? false;
  if (state.edition === 'ee') {
    // EE-build key of the list entity (ee/lib/ee/api/entities/group.rb).
    out.wiki_access_level = 'enabled';
  }
  return out;
}

/** The top-level ancestor, where namespace-wide settings such as forking protection live. */
function rootOf(ctx: SimContext, g: SimGroup): SimGroup {
  let cur = g;
  while (cur.parent_id !== null) {
    const parent = ctx.state.groups.find((x) => x.id === cur.parent_id);
    if (!parent) break;
    cur = parent;
  }
  return cur;
}

/** GET /groups/:id entity. */
export function groupDetailEntity(ctx: SimContext, g: SimGroup, opts: { withProjects: boolean }): Record<string, unknown> {
  const { state } = ctx;
  const out = groupEntity(ctx, g);
  if (state.edition === 'ee') {
    // GroupDetail only (ee/lib/ee/api/entities/group_detail.rb), not the list entity; with or without a licence.
    // prevent_forking_outside_group? reads the top-level group's namespace setting.
    out.prevent_forking_outside_group = rootOf(ctx, g).prevent_forking_outside_group ?? false;
    out.membership_lock = g.membership_lock ?? false;
  }
  if (atLeastTier(state, 'premium', g)) {
    out.ip_restriction_ranges = (g as { ip_restriction_ranges?: string | null }).ip_restriction_ranges ?? null;
    out.allowed_email_domains_list = (g as { allowed_email_domains_list?: string | null }).allowed_email_domains_list ?? null;
  }
  // Git abuse keys: Ultimate, top-level group, and only to the group's admins (docs/gitlab-behaviour.md, Git abuse rate limits).
  if (atLeastTier(state, 'ultimate', g) && g.parent_id === null && groupRole(state, ctx.user, g) >= Role.Owner) {
    out.unique_project_download_limit = g.unique_project_download_limit ?? 0;
    out.unique_project_download_limit_interval_in_seconds = g.unique_project_download_limit_interval_in_seconds ?? 0;
    out.unique_project_download_limit_allowlist = g.unique_project_download_limit_allowlist ?? [];
    out.unique_project_download_limit_alertlist = g.unique_project_download_limit_alertlist ?? [];
    out.auto_ban_user_on_excessive_projects_download = g.auto_ban_user_on_excessive_projects_download ?? false;
  }
  out.shared_with_groups = [];
  if (opts.withProjects) {
    // GroupDetail embeds up to 100 direct projects (deprecated with_projects, still on by default).
    const roles = new RoleCache(ctx);
    out.projects = state.projects
      .filter((p) => p.namespace.id === g.id && roles.canSee(p))
      .slice(0, 100)
      .map((p) => projectEntity(ctx, p, roles.projectRole(p)));
    out.shared_projects = [];
  }
  return out;
}

/** Per-request memo of group roles, so listing 10,000 projects does not walk ancestors 10,000 times. */
export class RoleCache {
  private readonly groups = new Map<number, number>();

  constructor(private readonly ctx: SimContext) {}

  groupRoleById(id: number): number {
    let r = this.groups.get(id);
    if (r === undefined) {
      const g = this.ctx.state.groups.find((x) => x.id === id);
      r = g ? groupRole(this.ctx.state, this.ctx.user, g) : 0;
      this.groups.set(id, r);
    }
    return r;
  }

  projectRole(p: SimProject): number {
    if (this.ctx.user.is_admin) return Role.Admin;
    if (p.members.length > 0) return projectRole(this.ctx.state, this.ctx.user, p);
    return this.groupRoleById(p.namespace.id);
  }

  canSee(p: SimProject): boolean {
    return p.visibility !== 'private' || this.projectRole(p) > 0;
  }
}

function projectSimple(ctx: Pick<SimContext, 'baseUrl'>, p: SimProject): Record<string, unknown> {
  return {
    id: p.id,
    description: null,
    name: p.name,
    name_with_namespace: `${p.namespace.name ?? p.namespace.path} / ${p.name}`,
    path: p.path,
    path_with_namespace: p.path_with_namespace,
    created_at: p.created_at ?? null,
    default_branch: p.default_branch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(ctx.baseUrl).hostname}:${p.path_with_namespace}.git`,
    http_url_to_repo: `${webUrl(ctx, 'project', p.path_with_namespace)}.git`,
    web_url: webUrl(ctx, 'project', p.path_with_namespace),
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.last_activity_at ?? p.created_at ?? null,
    namespace: {
      id: p.namespace.id,
      name: p.namespace.name,
      path: p.namespace.path,
      kind: p.namespace.kind,
      full_path: p.namespace.full_path,
      parent_id: p.namespace.parent_id ?? null,
      avatar_url: null,
      web_url: webUrl(ctx, 'group', p.namespace.full_path),
    },
  };
}

/** Project entity; `simple` is the `simple=true` listing shape. `role` is the caller's effective role. */
export function projectEntity(ctx: SimContext, p: SimProject, role: number, simple = false): Record<string, unknown> {
  const out = projectSimple(ctx, p);
  if (simple) return out;
  const { state } = ctx;
  Object.assign(out, {
    visibility: p.visibility,
    archived: p.archived,
    empty_repo: false,
    issues_enabled: true,
    merge_requests_enabled: true,
    jobs_enabled: p.builds_access_level !== 'disabled',
    builds_access_level: p.builds_access_level ?? 'enabled',
    forking_access_level: p.forking_access_level ?? 'enabled',
    repository_access_level: 'enabled',
    merge_requests_access_level: 'enabled',
    public_jobs: p.public_jobs,
    shared_with_groups: [],
    only_allow_merge_if_pipeline_succeeds: p.only_allow_merge_if_pipeline_succeeds ?? false,
    allow_merge_on_skipped_pipeline: p.allow_merge_on_skipped_pipeline ?? null,
    only_allow_merge_if_all_discussions_are_resolved: p.only_allow_merge_if_all_discussions_are_resolved ?? false,
    request_access_enabled: true,
    merge_method: 'merge',
    permissions: {
      project_access: directProjectAccess(state, ctx.user, p),
      group_access: groupAccess(ctx, p),
    },
  });
  // Role-gated CI keys: absent (not false) below Maintainer (docs/gitlab-behaviour.md, Tier detection and packaging).
  if (role >= Role.Maintainer) {
    out.restrict_user_defined_variables = p.restrict_user_defined_variables ?? false;
    out.ci_pipeline_variables_minimum_override_role = p.ci_pipeline_variables_minimum_override_role ?? 'developer';
    out.ci_job_token_scope_enabled = p.ci_job_token_scope_enabled ?? false;
  }
  if (state.edition === 'ee') {
    out.marked_for_deletion_at = p.marked_for_deletion_on ?? null;
    out.marked_for_deletion_on = p.marked_for_deletion_on ?? null;
  }
  // Licence-gated, deprecated key: absent below Premium.
  if (atLeastTier(state, 'premium', p)) out.approvals_before_merge = p.approvals_before_merge ?? 0;
  return out;
}

function directProjectAccess(state: SimState, user: SimUser, p: SimProject): { access_level: number; notification_level: number } | null {
  const m = p.members.find((x) => x.user_id === user.id);
  void state;
  return m ? { access_level: m.access_level, notification_level: 3 } : null;
}

function groupAccess(ctx: SimContext, p: SimProject): { access_level: number; notification_level: number } | null {
  const g = ctx.state.groups.find((x) => x.id === p.namespace.id);
  if (!g) return null;
  const level = ctx.user.is_admin ? 0 : groupRole(ctx.state, ctx.user, g);
  return level > 0 ? { access_level: level, notification_level: 3 } : null;
}

/** UserBasic (lib/api/entities/user_basic.rb): the user fields every user-shaped entity starts with (Member too). */
export function userBasicEntity(ctx: Pick<SimContext, 'baseUrl'>, u: SimUser): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    state: u.state,
    locked: false,
    avatar_url: null,
    web_url: webUrl(ctx, 'user', u.username),
  };
}

/** Users API entity; admins see `is_admin` and `email` (UserWithAdmin), others the public shape. */
export function userEntity(ctx: Pick<SimContext, 'baseUrl'>, viewer: SimUser, u: SimUser): Record<string, unknown> {
  const out = userBasicEntity(ctx, u);
  if (viewer.is_admin || viewer.id === u.id) out.email = u.email;
  if (viewer.is_admin) {
    // UserWithAdmin < UserPublic (lib/api/entities/user_with_admin.rb, user_public.rb).
    out.is_admin = u.is_admin;
    out.created_at = u.created_at ?? null;
    out.last_sign_in_at = u.last_sign_in_at ?? null;
    out.last_activity_on = u.last_activity_on ?? null;
    out.two_factor_enabled = u.two_factor_enabled ?? false;
    out.external = u.external ?? false;
  }
  return out;
}
