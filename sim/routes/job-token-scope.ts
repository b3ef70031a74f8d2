// CI/CD job token scope (docs/gitlab-behaviour.md, CI/CD, Free, Maintainer+): inbound limiting and its project/group allowlists.
// PATCH answers 204 with no body; `outbound_enabled` is the deprecated mirror of ci_job_token_scope_enabled.
import { paginate } from '../pagination';
import {
  canSeeGroup,
  canSeeProject,
  errors,
  groupByRef,
  parseBool,
  parseIntParam,
  projectByRef,
  requireProject,
  Role,
  SimHttpError,
  webUrl,
  type AuditInput,
  type Route,
  type RouteRequest,
  type SimContext,
} from '../kit';
import type { SimProject } from '../state';
import { hasParam, paramOf } from './serialize-subresources';

function entity(p: SimProject): Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'> {
  return { entity_type: 'Project', entity_id: p.id, entity_path: p.path_with_namespace };
}

function source(ctx: SimContext, req: RouteRequest): SimProject {
  return requireProject(ctx, req.params.id!, Role.Maintainer);
}

/**
 * lib/api/ci/job_token_scope.rb hands `enabled` to `Projects::UpdateService`, which does not audit it: only the
 * GraphQL mutation (`Mutations::Ci::ProjectCiCdSettingsUpdate`) logs `secure_ci_job_token_inbound_*`. So no event.
 */
function patchScope(req: RouteRequest, ctx: SimContext) {
  const project = source(ctx, req);
  if (!hasParam(req, 'enabled')) throw errors.badParam('enabled is missing');
  project.job_token_scope.inbound_enabled = parseBool(paramOf(req, 'enabled'), 'enabled');
  return { status: 204 };
}

function projectBasic(ctx: SimContext, p: SimProject) {
  return { id: p.id, name: p.name, path: p.path, path_with_namespace: p.path_with_namespace, namespace: p.namespace, web_url: webUrl(ctx, 'project', p.path_with_namespace) };
}

function addProject(req: RouteRequest, ctx: SimContext) {
  const project = source(ctx, req);
  if (!hasParam(req, 'target_project_id')) throw errors.badParam('target_project_id is missing');
  const target = projectByRef(ctx.state, String(paramOf(req, 'target_project_id')));
  if (!target || !canSeeProject(ctx.state, ctx.user, target)) throw errors.notFound('Project');
  const list = project.job_token_scope.allowlist;
  if (list.includes(target.id)) throw new SimHttpError(400, { message: 'Target project is already in the job token scope' });
  list.push(target.id);
  ctx.audit({
    ...entity(project),
    event_name: 'secure_ci_job_token_project_added',
    target_id: target.id,
    target_type: 'Project',
    target_details: target.path_with_namespace,
    custom_message: `Project ${target.path_with_namespace} was added to inbound list of allowed projects for ${project.path_with_namespace}`,
  });
  return { status: 201, body: { source_project_id: project.id, target_project_id: target.id } };
}

function removeProject(req: RouteRequest, ctx: SimContext) {
  const project = source(ctx, req);
  const id = parseIntParam(req.params.target_project_id, 'target_project_id');
  const list = project.job_token_scope.allowlist;
  if (!list.includes(id)) throw new SimHttpError(404, { message: 'Target project is not in the job token scope' });
  list.splice(list.indexOf(id), 1);
  const target = ctx.state.projects.find((p) => p.id === id);
  ctx.audit({
    ...entity(project),
    event_name: 'secure_ci_job_token_project_removed',
    target_id: id,
    target_type: 'Project',
    target_details: target?.path_with_namespace ?? String(id),
    custom_message: `Project ${target?.path_with_namespace ?? id} was removed from inbound list of allowed projects for ${project.path_with_namespace}`,
  });
  return { status: 204 };
}

function addGroup(req: RouteRequest, ctx: SimContext) {
  const project = source(ctx, req);
  if (!hasParam(req, 'target_group_id')) throw errors.badParam('target_group_id is missing');
  const target = groupByRef(ctx.state, String(paramOf(req, 'target_group_id')));
  if (!target || !canSeeGroup(ctx.state, ctx.user, target)) throw errors.notFound('Group');
  const list = project.job_token_scope.groups_allowlist;
  if (list.includes(target.id)) throw new SimHttpError(400, { message: 'Target group is already in the job token scope' });
  list.push(target.id);
  ctx.audit({
    ...entity(project),
    event_name: 'secure_ci_job_token_group_added',
    target_id: target.id,
    target_type: 'Group',
    target_details: target.full_path,
    custom_message: `Group ${target.full_path} was added to list of allowed groups for ${project.path_with_namespace}`,
  });
  return { status: 201, body: { source_project_id: project.id, target_group_id: target.id } };
}

function removeGroup(req: RouteRequest, ctx: SimContext) {
  const project = source(ctx, req);
  const id = parseIntParam(req.params.target_group_id, 'target_group_id');
  const list = project.job_token_scope.groups_allowlist;
  if (!list.includes(id)) throw new SimHttpError(404, { message: 'Target group is not in the job token scope' });
  list.splice(list.indexOf(id), 1);
  const target = ctx.state.groups.find((g) => g.id === id);
  ctx.audit({
    ...entity(project),
    event_name: 'secure_ci_job_token_group_removed',
    target_id: id,
    target_type: 'Group',
    target_details: target?.full_path ?? String(id),
    custom_message: `Group ${target?.full_path ?? id} was removed from list of allowed groups for ${project.path_with_namespace}`,
  });
  return { status: 204 };
}

const B = '/projects/:id/job_token_scope';

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: B,
    handler: (req, ctx) => {
      const s = source(ctx, req).job_token_scope;
      return { status: 200, body: { inbound_enabled: s.inbound_enabled, outbound_enabled: s.outbound_enabled } };
    },
  },
  { method: 'PATCH', pattern: B, handler: patchScope },
  {
    method: 'GET',
    pattern: `${B}/allowlist`,
    handler: (req, ctx) => {
      const p = source(ctx, req);
      const targets = p.job_token_scope.allowlist.map((id) => ctx.state.projects.find((x) => x.id === id)).filter((x): x is SimProject => !!x);
      return paginate(req, targets.map((t) => projectBasic(ctx, t)));
    },
  },
  { method: 'POST', pattern: `${B}/allowlist`, handler: addProject },
  { method: 'DELETE', pattern: `${B}/allowlist/:target_project_id`, handler: removeProject },
  {
    method: 'GET',
    pattern: `${B}/groups_allowlist`,
    handler: (req, ctx) => {
      const p = source(ctx, req);
      const groups = p.job_token_scope.groups_allowlist
        .map((id) => ctx.state.groups.find((g) => g.id === id))
        .filter((g) => g !== undefined)
        .map((g) => ({ id: g.id, name: g.name, path: g.path, full_path: g.full_path, web_url: webUrl(ctx, 'group', g.full_path) }));
      return paginate(req, groups);
    },
  },
  { method: 'POST', pattern: `${B}/groups_allowlist`, handler: addGroup },
  { method: 'DELETE', pattern: `${B}/groups_allowlist/:target_group_id`, handler: removeGroup },
];
