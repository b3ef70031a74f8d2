// [Projects API] (docs/gitlab-behaviour.md, Visibility): listing with offset (capped, 405) or keyset pagination, detail with
// role/tier-gated keys, and settings update (Maintainer+) audited with Audit::ProjectChangesAuditor's names.
import type { Visibility } from '../../gitlab/types';
import { applyAuditedChanges } from '../audit';
import { atLeastTier, projectEntity, RoleCache } from '../entities';
import { errors, parseBool, parseIntParam, requireProject, Role, SimHttpError, type Route, type RouteRequest, type SimContext } from '../kit';
import { checkOffsetLimit, isKeyset, keysetPaginate, paginate } from '../pagination';
import { runtimeOf } from '../runtime';
import type { SimProject } from '../state';
import { sortProjects } from './groups';

const VISIBILITY_ORDER: Visibility[] = ['private', 'internal', 'public'];
const ACCESS_LEVELS = ['disabled', 'private', 'enabled'];
const OVERRIDE_ROLES = ['owner', 'maintainer', 'developer', 'no_one_allowed'];

/** The keys `PUT /projects/:id` declares (a subset of GitLab's; any one of them satisfies `at_least_one_of`). */
const UPDATABLE = [
  'name',
  'description',
  'default_branch',
  'visibility',
  'public_builds',
  'public_jobs',
  'only_allow_merge_if_pipeline_succeeds',
  'allow_merge_on_skipped_pipeline',
  'only_allow_merge_if_all_discussions_are_resolved',
  'restrict_user_defined_variables',
  'ci_pipeline_variables_minimum_override_role',
  'builds_access_level',
  'forking_access_level',
  'approvals_before_merge',
  // Licence-gated request keys: accepted and silently dropped without a licence (docs/gitlab-behaviour.md, Tier detection and packaging).
  'allow_pipeline_trigger_approve_deployment',
  'prevent_merge_without_jira_issue',
  'ci_restrict_pipeline_cancellation_role',
  'external_authorization_classification_label',
];

const AUDITED: Record<string, { event: string; change: string }> = {
  visibility: { event: 'project_visibility_level_updated', change: 'visibility_level' },
  name: { event: 'project_name_updated', change: 'name' },
  only_allow_merge_if_pipeline_succeeds: { event: 'project_only_allow_merge_if_pipeline_succeeds_updated', change: 'only_allow_merge_if_pipeline_succeeds' },
  only_allow_merge_if_all_discussions_are_resolved: {
    event: 'project_only_allow_merge_if_all_discussions_are_resolved_updated',
    change: 'only_allow_merge_if_all_discussions_are_resolved',
  },
  allow_merge_on_skipped_pipeline: { event: 'allow_merge_on_skipped_pipeline_updated', change: 'allow_merge_on_skipped_pipeline' },
};

/** ProjectFeature stores access levels as integers, which Audit::ProjectFeatureChangesAuditor logs as they are. */
const FEATURE_LEVEL: Record<string, number> = { disabled: 0, private: 10, enabled: 20 };

function visibleProjects(req: RouteRequest, ctx: SimContext): SimProject[] {
  const { state, user } = ctx;
  const roles = new RoleCache(ctx);
  const membership = req.query.get('membership') !== null && parseBool(req.query.get('membership'), 'membership');
  const owned = req.query.get('owned') !== null && parseBool(req.query.get('owned'), 'owned');
  const minAccess = req.query.get('min_access_level');
  const archived = req.query.get('archived');
  const visibility = req.query.get('visibility');
  const search = req.query.get('search')?.toLowerCase();
  return state.projects.filter((p) => {
    if (!roles.canSee(p)) return false;
    const role = roles.projectRole(p);
    if (membership && (role === 0 || (user.is_admin && roles.groupRoleById(p.namespace.id) === 0 && !p.members.some((m) => m.user_id === user.id)))) return false;
    if (owned && role < Role.Owner) return false;
    if (minAccess !== null && role < Number(minAccess)) return false;
    if (archived !== null && p.archived !== parseBool(archived, 'archived')) return false;
    if (visibility && p.visibility !== visibility) return false;
    if (search && !p.path_with_namespace.toLowerCase().includes(search)) return false;
    return true;
  });
}

function updateProject(req: RouteRequest, ctx: SimContext, project: SimProject): void {
  const { state } = ctx;
  const body = req.body;
  const present = UPDATABLE.filter((k) => Object.prototype.hasOwnProperty.call(body, k) && body[k] !== undefined);
  if (present.length === 0) {
    throw errors.badParam(`${UPDATABLE.join(', ')} are missing, at least one parameter must be provided`);
  }
  const changes: Record<string, unknown> = {};
  for (const key of present) {
    const raw = body[key];
    switch (key) {
      case 'name':
      case 'description':
        changes[key] = String(raw);
        break;
      case 'default_branch':
        if (!project.branches.includes(String(raw))) throw errors.validation({ base: ['Could not set the default branch'] });
        changes.default_branch = String(raw);
        break;
      case 'visibility': {
        const v = String(raw) as Visibility;
        if (!VISIBILITY_ORDER.includes(v)) throw errors.badParam('visibility does not have a valid value');
        changes.visibility = v;
        break;
      }
      // `public_builds` is the deprecated write alias of public_jobs (docs/gitlab-behaviour.md, Visibility / Project settings).
      case 'public_builds':
      case 'public_jobs':
        changes.public_jobs = parseBool(raw, key);
        break;
      case 'only_allow_merge_if_pipeline_succeeds':
      case 'allow_merge_on_skipped_pipeline':
      case 'only_allow_merge_if_all_discussions_are_resolved':
      case 'restrict_user_defined_variables':
        changes[key] = parseBool(raw, key);
        break;
      case 'ci_pipeline_variables_minimum_override_role':
        if (!OVERRIDE_ROLES.includes(String(raw))) throw errors.badParam(`${key} does not have a valid value`);
        changes[key] = String(raw);
        break;
      case 'builds_access_level':
      case 'forking_access_level':
        if (!ACCESS_LEVELS.includes(String(raw))) throw errors.badParam(`${key} does not have a valid value`);
        changes[key] = String(raw);
        break;
      case 'approvals_before_merge':
        if (atLeastTier(state, 'premium', project)) changes[key] = parseIntParam(raw, key);
        break;
      default:
        break;
    }
  }
  if (changes.visibility !== undefined) checkVisibility(ctx, project, changes.visibility as Visibility);

  const forking = changes.forking_access_level as string | undefined;
  const forkingBefore = project.forking_access_level ?? 'enabled';
  applyAuditedChanges(ctx, project as unknown as Record<string, unknown>, changes, AUDITED, {
    entity_type: 'Project',
    entity_id: project.id,
    entity_path: project.path_with_namespace,
  });
  if (forking !== undefined && forking !== forkingBefore) {
    ctx.audit({
      entity_type: 'Project',
      entity_id: project.id,
      entity_path: project.path_with_namespace,
      event_name: 'project_feature_forking_access_level_updated',
      change: 'forking_access_level',
      from: FEATURE_LEVEL[forkingBefore],
      to: FEATURE_LEVEL[forking],
    });
  }
}

/** A project may not be more visible than its group, nor use a level the admin restricted (non-admins). */
function checkVisibility(ctx: SimContext, project: SimProject, v: Visibility): void {
  const group = ctx.state.groups.find((g) => g.id === project.namespace.id);
  if (group && VISIBILITY_ORDER.indexOf(v) > VISIBILITY_ORDER.indexOf(group.visibility)) {
    throw errors.validation({ visibility_level: [`${v} is not allowed in a ${group.visibility} group.`] });
  }
  const restricted = ctx.state.application_settings.restricted_visibility_levels ?? [];
  if (!ctx.user.is_admin && restricted.includes(v)) {
    throw errors.validation({ visibility_level: [`${v} has been restricted by your GitLab administrator`] });
  }
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/projects',
    handler: (req, ctx) => {
      const simple = req.query.get('simple') !== null && parseBool(req.query.get('simple'), 'simple');
      const roles = new RoleCache(ctx);
      const present = (items: SimProject[]) => items.map((p) => projectEntity(ctx, p, roles.projectRole(p), simple));
      if (isKeyset(req)) {
        // Keyset on /projects needs order_by=id (docs/gitlab-behaviour.md, Pagination, errors and authentication).
        if ((req.query.get('order_by') ?? 'created_at') !== 'id') {
          throw new SimHttpError(405, { error: 'Keyset pagination is not yet available for this type of request' });
        }
        const result = keysetPaginate(req, visibleProjects(req, ctx), { sort: req.query.get('sort') === 'desc' ? 'desc' : 'asc', style: 'id' });
        result.body = present(result.body as SimProject[]);
        return result;
      }
      checkOffsetLimit(req, 'Project', runtimeOf(ctx.state).offsetPaginationLimit);
      const result = paginate(req, sortProjects(req, visibleProjects(req, ctx)));
      result.body = present(result.body as SimProject[]);
      return result;
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id',
    handler: (req, ctx) => {
      const project = requireProject(ctx, req.params.id);
      return { status: 200, body: projectEntity(ctx, project, new RoleCache(ctx).projectRole(project)) };
    },
  },
  {
    method: 'PUT',
    pattern: '/projects/:id',
    handler: (req, ctx) => {
      const project = requireProject(ctx, req.params.id, Role.Maintainer);
      updateProject(req, ctx, project);
      return { status: 200, body: projectEntity(ctx, project, new RoleCache(ctx).projectRole(project)) };
    },
  },
];
