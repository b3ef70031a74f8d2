// [Groups API] (docs/gitlab-behaviour.md, Group settings / Git abuse rate limits): listing, detail, settings update, subgroups and group projects.
// Keys appear per edition/tier/role (sim/entities.ts); writes are audited with the GroupChangesAuditor names.
import type { GlBranchProtectionDefaults, Visibility } from '../../gitlab/types';
import { applyAuditedChanges } from '../audit';
import { atLeastTier, groupDetailEntity, groupEntity, projectEntity, RoleCache } from '../entities';
import {
  canSeeGroup,
  errors,
  groupAncestors,
  groupRole,
  parseBool,
  parseIntParam,
  requireGroup,
  Role,
  type Route,
  type RouteRequest,
  type SimContext,
} from '../kit';
import { paginate } from '../pagination';
import type { SimGroup, SimProject } from '../state';

const VISIBILITY_ORDER: Visibility[] = ['private', 'internal', 'public'];
const PROJECT_CREATION_LEVELS = ['noone', 'owner', 'maintainer', 'developer', 'administrator'];
const SUBGROUP_CREATION_LEVELS = ['owner', 'maintainer'];

function sortGroups(req: RouteRequest, groups: SimGroup[]): SimGroup[] {
  const orderBy = req.query.get('order_by') ?? 'name';
  const desc = req.query.get('sort') === 'desc';
  const key = (g: SimGroup): string | number => (orderBy === 'id' ? g.id : orderBy === 'path' ? g.full_path : g.name);
  return [...groups].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = typeof ka === 'number' ? ka - (kb as number) : String(ka).localeCompare(String(kb)) || a.id - b.id;
    return desc ? -c : c;
  });
}

function isDescendant(ctx: SimContext, g: SimGroup, ancestor: SimGroup): boolean {
  return g.id !== ancestor.id && groupAncestors(ctx.state, g).some((a) => a.id === ancestor.id);
}

function truthy(req: RouteRequest, name: string, fallback: boolean): boolean {
  const v = req.query.get(name);
  return v === null ? fallback : parseBool(v, name);
}

function filterSearch(req: RouteRequest, groups: SimGroup[]): SimGroup[] {
  const search = req.query.get('search')?.toLowerCase();
  return search ? groups.filter((g) => g.name.toLowerCase().includes(search) || g.path.toLowerCase().includes(search)) : groups;
}

function listGroups(req: RouteRequest, ctx: SimContext, groups: SimGroup[]) {
  return paginate(req, sortGroups(req, filterSearch(req, groups)).map((g) => groupEntity(ctx, g)));
}

/** The projects of a group (and its subgroups), newest first unless `order_by`/`sort` say otherwise. */
function groupProjects(req: RouteRequest, ctx: SimContext, group: SimGroup): SimProject[] {
  const includeSubgroups = truthy(req, 'include_subgroups', false);
  const ids = new Set<number>([group.id]);
  if (includeSubgroups) for (const g of ctx.state.groups) if (isDescendant(ctx, g, group)) ids.add(g.id);
  const archived = req.query.get('archived');
  const roles = new RoleCache(ctx);
  let projects = ctx.state.projects.filter((p) => ids.has(p.namespace.id) && roles.canSee(p));
  if (archived !== null) {
    const want = parseBool(archived, 'archived');
    projects = projects.filter((p) => p.archived === want);
  }
  const visibility = req.query.get('visibility');
  if (visibility) projects = projects.filter((p) => p.visibility === visibility);
  const search = req.query.get('search')?.toLowerCase();
  if (search) projects = projects.filter((p) => p.path_with_namespace.toLowerCase().includes(search));
  return sortProjects(req, projects);
}

export function sortProjects(req: RouteRequest, projects: SimProject[]): SimProject[] {
  const orderBy = req.query.get('order_by') ?? 'created_at';
  const asc = req.query.get('sort') === 'asc';
  const key = (p: SimProject): string | number =>
    orderBy === 'id' ? p.id : orderBy === 'name' ? p.name : orderBy === 'path' ? p.path : orderBy === 'last_activity_at' ? (p.last_activity_at ?? '') : (p.created_at ?? '');
  return [...projects].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = typeof ka === 'number' ? ka - (kb as number) : String(ka).localeCompare(String(kb)) || a.id - b.id;
    return asc ? c : -c;
  });
}

function coerceBranchProtectionDefaults(raw: unknown): GlBranchProtectionDefaults {
  if (!raw || typeof raw !== 'object') throw errors.badParam('default_branch_protection_defaults is invalid');
  const r = raw as Record<string, unknown>;
  const out: GlBranchProtectionDefaults = {};
  const levels = (k: string) =>
    (Array.isArray(r[k]) ? (r[k] as Record<string, unknown>[]) : []).map((e) => ({ access_level: parseIntParam(e.access_level, `default_branch_protection_defaults[${k}][access_level]`) }));
  if ('allowed_to_push' in r) out.allowed_to_push = levels('allowed_to_push');
  if ('allowed_to_merge' in r) out.allowed_to_merge = levels('allowed_to_merge');
  if ('allow_force_push' in r) out.allow_force_push = parseBool(r.allow_force_push, 'default_branch_protection_defaults[allow_force_push]');
  if ('developer_can_initial_push' in r) out.developer_can_initial_push = parseBool(r.developer_can_initial_push, 'default_branch_protection_defaults[developer_can_initial_push]');
  return out;
}

/** Integer -> hash (docs/gitlab-behaviour.md, Group settings, lib/gitlab/access/branch_protection.rb). */
function branchProtectionHash(level: number): GlBranchProtectionDefaults {
  const map: Record<number, [number, number, boolean, boolean]> = {
    0: [30, 30, true, false],
    1: [30, 40, false, false],
    2: [40, 40, false, false],
    3: [40, 30, false, false],
    4: [40, 40, false, true],
  };
  const [push, merge, force, initial] = map[level];
  const out: GlBranchProtectionDefaults = {
    allowed_to_push: [{ access_level: push }],
    allowed_to_merge: [{ access_level: merge }],
    allow_force_push: force,
  };
  if (level === 0 || level === 4) out.code_owner_approval_required = false;
  if (initial) out.developer_can_initial_push = true;
  return out;
}

/** Audit event names per column (Audit::GroupChangesAuditor); other columns are not audited. */
const GROUP_EVENTS: Record<string, { event: string; change: string }> = {
  name: { event: 'group_name_updated', change: 'name' },
  visibility: { event: 'group_visibility_level_updated', change: 'visibility' },
  membership_lock: { event: 'group_membership_lock_updated', change: 'membership_lock' },
  require_two_factor_authentication: { event: 'group_require_two_factor_authentication_updated', change: 'require_two_factor_authentication' },
  two_factor_grace_period: { event: 'group_two_factor_grace_period_updated', change: 'two_factor_grace_period' },
  project_creation_level: { event: 'group_project_creation_level_updated', change: 'project_creation_level' },
};

function updateGroup(req: RouteRequest, ctx: SimContext, group: SimGroup): void {
  const { state } = ctx;
  const body = req.body;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(body, k) && body[k] !== undefined;
  const premium = atLeastTier(state, 'premium', group);
  const gitAbuse = atLeastTier(state, 'ultimate', group) && group.parent_id === null;
  const changes: Record<string, unknown> = {};
  const fieldErrors: Record<string, string[]> = {};

  if (has('name')) changes.name = String(body.name);
  if (has('description')) changes.description = String(body.description);
  if (has('visibility')) {
    const v = String(body.visibility) as Visibility;
    if (!VISIBILITY_ORDER.includes(v)) throw errors.badParam('visibility does not have a valid value');
    changes.visibility = v;
  }
  for (const k of ['require_two_factor_authentication', 'share_with_group_lock', 'lfs_enabled', 'request_access_enabled']) {
    if (has(k)) changes[k] = parseBool(body[k], k);
  }
  if (has('two_factor_grace_period')) changes.two_factor_grace_period = parseIntParam(body.two_factor_grace_period, 'two_factor_grace_period');
  if (has('project_creation_level')) {
    const v = String(body.project_creation_level);
    if (!PROJECT_CREATION_LEVELS.includes(v)) throw errors.badParam('project_creation_level does not have a valid value');
    changes.project_creation_level = v;
  }
  if (has('subgroup_creation_level')) {
    const v = String(body.subgroup_creation_level);
    if (!SUBGROUP_CREATION_LEVELS.includes(v)) throw errors.badParam('subgroup_creation_level does not have a valid value');
    changes.subgroup_creation_level = v;
  }
  if (has('default_branch_protection')) {
    const level = parseIntParam(body.default_branch_protection, 'default_branch_protection');
    if (level < 0 || level > 4) throw errors.badParam('default_branch_protection does not have a valid value');
    changes.default_branch_protection = level;
    changes.default_branch_protection_defaults = branchProtectionHash(level);
  }
  if (has('default_branch_protection_defaults')) changes.default_branch_protection_defaults = coerceBranchProtectionDefaults(body.default_branch_protection_defaults);
  if (state.edition === 'ee') {
    if (has('membership_lock')) changes.membership_lock = parseBool(body.membership_lock, 'membership_lock');
    // change_prevent_group_forking: Owner of a top-level group with the licence (EE GroupPolicy); dropped silently otherwise.
    if (has('prevent_forking_outside_group') && premium && group.parent_id === null && groupRole(state, ctx.user, group) >= Role.Owner) {
      changes.prevent_forking_outside_group = parseBool(body.prevent_forking_outside_group, 'prevent_forking_outside_group');
    }
    if (premium) {
      if (has('ip_restriction_ranges')) changes.ip_restriction_ranges = body.ip_restriction_ranges === null ? null : String(body.ip_restriction_ranges);
      if (has('allowed_email_domains_list')) changes.allowed_email_domains_list = body.allowed_email_domains_list === null ? null : String(body.allowed_email_domains_list);
    }
  }
  if (has('prevent_sharing_groups_outside_hierarchy') && group.parent_id === null) {
    changes.prevent_sharing_groups_outside_hierarchy = parseBool(body.prevent_sharing_groups_outside_hierarchy, 'prevent_sharing_groups_outside_hierarchy');
  }
  // Git abuse keys: Ultimate and top-level only; otherwise dropped silently like any licence-gated key (docs/gitlab-behaviour.md, Tier detection and packaging; Git abuse rate limits).
  if (gitAbuse) {
    const range = (k: string, max: number) => {
      if (!has(k)) return;
      const n = parseIntParam(body[k], k);
      if (n < 0) fieldErrors[k] = ['must be greater than or equal to 0'];
      else if (n > max) fieldErrors[k] = [`must be less than or equal to ${max}`];
      changes[k] = n;
    };
    range('unique_project_download_limit', 10_000);
    range('unique_project_download_limit_interval_in_seconds', 864_000);
    const list = (k: string, asInt: boolean) => {
      if (!has(k)) return;
      const raw = body[k];
      const items = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length > 100) fieldErrors[k] = ['exceeds maximum length (100 entries)'];
      changes[k] = asInt ? items.map((x) => parseIntParam(x, k)) : items;
    };
    list('unique_project_download_limit_allowlist', false);
    list('unique_project_download_limit_alertlist', true);
    if (has('auto_ban_user_on_excessive_projects_download')) {
      changes.auto_ban_user_on_excessive_projects_download = parseBool(body.auto_ban_user_on_excessive_projects_download, 'auto_ban_user_on_excessive_projects_download');
    }
  }
  if (changes.visibility !== undefined) {
    const v = changes.visibility as Visibility;
    const rank = VISIBILITY_ORDER.indexOf(v);
    const parent = group.parent_id === null ? undefined : state.groups.find((g) => g.id === group.parent_id);
    if (parent && rank > VISIBILITY_ORDER.indexOf(parent.visibility)) {
      fieldErrors.visibility_level = [`${v} is not allowed in a ${parent.visibility} group.`];
    } else if (
      state.projects.some((p) => p.namespace.id === group.id && VISIBILITY_ORDER.indexOf(p.visibility) > rank) ||
      state.groups.some((g) => g.parent_id === group.id && VISIBILITY_ORDER.indexOf(g.visibility) > rank)
    ) {
      fieldErrors.visibility_level = [`${v} is not allowed since there are sub-groups or projects with higher visibility.`];
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);

  applyAuditedChanges(ctx, group as unknown as Record<string, unknown>, changes, GROUP_EVENTS, {
    entity_type: 'Group',
    entity_id: group.id,
    entity_path: group.full_path,
  });
  if (changes.name !== undefined) group.full_name = group.parent_id === null ? group.name : group.full_name?.replace(/[^/]+$/, ` ${group.name}`).replace(/^ /, '');
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/groups',
    handler: (req, ctx) => {
      const { state, user } = ctx;
      const allAvailable = truthy(req, 'all_available', user.is_admin);
      const topLevelOnly = truthy(req, 'top_level_only', false);
      const minAccess = req.query.get('min_access_level');
      const owned = truthy(req, 'owned', false);
      let groups = state.groups.filter((g) => {
        const role = groupRole(state, user, g);
        if (owned && role < Role.Owner) return false;
        if (minAccess !== null && role < Number(minAccess)) return false;
        return role > 0 || (allAvailable && canSeeGroup(state, user, g));
      });
      if (topLevelOnly) groups = groups.filter((g) => g.parent_id === null);
      const skip = req.query.getAll('skip_groups[]').map(Number);
      if (skip.length) groups = groups.filter((g) => !skip.includes(g.id));
      return listGroups(req, ctx, groups);
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id);
      return { status: 200, body: groupDetailEntity(ctx, group, { withProjects: truthy(req, 'with_projects', true) }) };
    },
  },
  {
    method: 'PUT',
    pattern: '/groups/:id',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id, Role.Owner);
      updateGroup(req, ctx, group);
      return { status: 200, body: groupDetailEntity(ctx, group, { withProjects: true }) };
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id/subgroups',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id);
      const subgroups = ctx.state.groups.filter((g) => g.parent_id === group.id && canSeeGroup(ctx.state, ctx.user, g));
      return listGroups(req, ctx, subgroups);
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id/descendant_groups',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id);
      const descendants = ctx.state.groups.filter((g) => isDescendant(ctx, g, group) && canSeeGroup(ctx.state, ctx.user, g));
      return listGroups(req, ctx, descendants);
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id/projects',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id);
      const simple = truthy(req, 'simple', false);
      const projects = groupProjects(req, ctx, group);
      const result = paginate(req, projects);
      const roles = new RoleCache(ctx);
      result.body = (result.body as SimProject[]).map((p) => projectEntity(ctx, p, roles.projectRole(p), simple));
      return result;
    },
  },
];
