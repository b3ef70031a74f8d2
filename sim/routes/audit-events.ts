// [Audit events API] (docs/gitlab-behaviour.md, Audit events): instance (admin), group and project lists and single events.
// Premium (403 unlicensed, 404 route on CE); Developers see only their own events; offset (capped, 405)
// or keyset pagination (`pagination=keyset&order_by=id&sort=desc`, opaque cursor in Link rel=next).
import type { GlAuditEvent } from '../../gitlab/types';
import { errors, groupRole, projectRole, requireGroup, requireProject, Role, SimHttpError, type Route, type RouteRequest, type SimContext } from '../kit';
import { restAuditEvent } from '../audit';
import { checkOffsetLimit, isKeyset, keysetPaginate, paginate } from '../pagination';
import { runtimeOf } from '../runtime';

const ENTITY_TYPES = ['User', 'Group', 'Project', 'Gitlab::Audit::InstanceScope'];

function timeFilter(req: RouteRequest, events: GlAuditEvent[]): GlAuditEvent[] {
  const parse = (name: string): number | undefined => {
    const v = req.query.get(name);
    if (v === null || v === '') return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw errors.badParam(`${name} is invalid`);
    return t;
  };
  const after = parse('created_after');
  const before = parse('created_before');
  return events.filter((e) => {
    const t = Date.parse(e.created_at);
    return (after === undefined || t >= after) && (before === undefined || t <= before);
  });
}

function list(req: RouteRequest, ctx: SimContext, events: GlAuditEvent[]) {
  const filtered = timeFilter(req, events).map(restAuditEvent);
  if (isKeyset(req)) {
    // Keyset here is order_by=id, sort=desc only (docs/gitlab-behaviour.md, Pagination, errors and authentication).
    if ((req.query.get('order_by') ?? 'id') !== 'id' || (req.query.get('sort') ?? 'desc') !== 'desc') {
      throw new SimHttpError(405, { error: 'Keyset pagination is not yet available for this type of request' });
    }
    return keysetPaginate(req, filtered, { sort: 'desc', style: 'cursor' });
  }
  checkOffsetLimit(req, 'AuditEvent', runtimeOf(ctx.state).offsetPaginationLimit);
  const asc = req.query.get('sort') === 'asc';
  return paginate(req, [...filtered].sort((a, b) => (asc ? a.id - b.id : b.id - a.id)));
}

function single(req: RouteRequest, events: GlAuditEvent[]) {
  const id = Number(req.params.event_id);
  const event = Number.isInteger(id) ? events.find((e) => e.id === id) : undefined;
  if (!event) throw errors.notFound('AuditEvent');
  return { status: 200, body: restAuditEvent(event) };
}

function instanceEvents(req: RouteRequest, ctx: SimContext): GlAuditEvent[] {
  if (!ctx.user.is_admin) throw errors.forbidden();
  const type = req.query.get('entity_type');
  const entityId = req.query.get('entity_id');
  if (type !== null && !ENTITY_TYPES.includes(type)) throw errors.badParam('entity_type does not have a valid value');
  return ctx.state.audit_events.filter((e) => (type === null || e.entity_type === type) && (entityId === null || (type !== null && e.entity_id === Number(entityId))));
}

/** Owners (group) / Maintainers (project) see all; Developers their own; below that 403. */
function groupEvents(req: RouteRequest, ctx: SimContext): GlAuditEvent[] {
  const group = requireGroup(ctx, req.params.id);
  const role = groupRole(ctx.state, ctx.user, group);
  if (role < Role.Developer) throw errors.forbidden();
  return ctx.state.audit_events.filter(
    (e) => e.entity_type === 'Group' && e.entity_id === group.id && (role >= Role.Owner || e.author_id === ctx.user.id),
  );
}

function projectEvents(req: RouteRequest, ctx: SimContext): GlAuditEvent[] {
  const project = requireProject(ctx, req.params.id);
  const role = projectRole(ctx.state, ctx.user, project);
  if (role < Role.Developer) throw errors.forbidden();
  return ctx.state.audit_events.filter(
    (e) => e.entity_type === 'Project' && e.entity_id === project.id && (role >= Role.Maintainer || e.author_id === ctx.user.id),
  );
}

const gate = { ee: true, minTier: 'premium' } as const;

export const routes: Route[] = [
  { method: 'GET', pattern: '/audit_events', ...gate, handler: (req, ctx) => list(req, ctx, instanceEvents(req, ctx)) },
  { method: 'GET', pattern: '/audit_events/:event_id', ...gate, handler: (req, ctx) => single(req, instanceEvents(req, ctx)) },
  { method: 'GET', pattern: '/groups/:id/audit_events', ...gate, handler: (req, ctx) => list(req, ctx, groupEvents(req, ctx)) },
  { method: 'GET', pattern: '/groups/:id/audit_events/:event_id', ...gate, handler: (req, ctx) => single(req, groupEvents(req, ctx)) },
  { method: 'GET', pattern: '/projects/:id/audit_events', ...gate, handler: (req, ctx) => list(req, ctx, projectEvents(req, ctx)) },
  { method: 'GET', pattern: '/projects/:id/audit_events/:event_id', ...gate, handler: (req, ctx) => single(req, projectEvents(req, ctx)) },
];
