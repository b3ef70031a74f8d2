// Webhooks (docs/gitlab-behaviour.md, Webhooks): project hooks (Free, Maintainer+), group hooks (Premium EE route, Owner).
// `token`, url-variable values and custom-header values are write-only; changing `url` drops the token.
// GitLab audits creation and destruction only ("Hook <id>", docs/gitlab-behaviour.md, Audit events); edits leave no event.
import type { GlHook } from '../../gitlab/types';
import { paginate } from '../pagination';
import { errors, parseBool, requireGroup, requireProject, Role, type AuditInput, type Route, type RouteRequest, type SimContext } from '../kit';
import { nextId, type SimHook, type SimState } from '../state';
import { arrayParam, hasParam, optionalString, paramOf, requireStringParam } from './serialize-subresources';

/** Event flags and their create defaults (GitLab: push on, everything else off). */
const PROJECT_EVENTS: Record<string, boolean> = {
  push_events: true,
  tag_push_events: false,
  merge_requests_events: false,
  repository_update_events: false,
  issues_events: false,
  confidential_issues_events: false,
  note_events: false,
  confidential_note_events: false,
  pipeline_events: false,
  wiki_page_events: false,
  deployment_events: false,
  feature_flag_events: false,
  job_events: false,
  releases_events: false,
  milestone_events: false,
  emoji_events: false,
  resource_access_token_events: false,
};
const GROUP_EVENTS: Record<string, boolean> = { ...PROJECT_EVENTS, subgroup_events: false, member_events: false, project_events: false };

interface Owner {
  state: SimState;
  kind: 'project' | 'group';
  id: number;
  hooks: SimHook[];
  events: Record<string, boolean>;
  entity: Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'>;
}

function projectOwner(ctx: SimContext, req: RouteRequest): Owner {
  const p = requireProject(ctx, req.params.id!, Role.Maintainer);
  return {
    state: ctx.state,
    kind: 'project',
    id: p.id,
    hooks: p.hooks,
    events: PROJECT_EVENTS,
    entity: { entity_type: 'Project', entity_id: p.id, entity_path: p.path_with_namespace },
  };
}

function groupOwner(ctx: SimContext, req: RouteRequest): Owner {
  const g = requireGroup(ctx, req.params.id!, Role.Owner);
  return { state: ctx.state, kind: 'group', id: g.id, hooks: g.hooks, events: GROUP_EVENTS, entity: { entity_type: 'Group', entity_id: g.id, entity_path: g.full_path } };
}

/** Hook fields the GlHook type does not name (branch filters). */
function extra(h: SimHook): Record<string, unknown> {
  return h as unknown as Record<string, unknown>;
}

/** What GitLab returns: never the token nor url-variable/header values. */
export function serializeHook(owner: Pick<Owner, 'kind' | 'events'>, h: SimHook): GlHook {
  const out: GlHook = {
    id: h.id,
    url: h.url,
    name: h.name ?? '',
    description: h.description ?? '',
    created_at: h.created_at,
    enable_ssl_verification: h.enable_ssl_verification,
    alert_status: h.alert_status ?? 'executable',
    disabled_until: h.disabled_until ?? null,
    url_variables: Object.keys(h.url_variable_values ?? {}).map((key) => ({ key })).concat(
      (h.url_variables ?? []).filter((v) => !(v.key in (h.url_variable_values ?? {}))).map((v) => ({ key: v.key })),
    ),
    custom_headers: Object.keys(h.custom_header_values ?? {}).map((key) => ({ key })).concat(
      (h.custom_headers ?? []).filter((v) => !(v.key in (h.custom_header_values ?? {}))).map((v) => ({ key: v.key })),
    ),
    push_events_branch_filter: extra(h).push_events_branch_filter ?? '',
    branch_filter_strategy: extra(h).branch_filter_strategy ?? 'wildcard',
  } as GlHook;
  if (owner.kind === 'project') out.project_id = h.project_id;
  else out.group_id = h.group_id;
  for (const [event, dflt] of Object.entries(owner.events)) out[event as `${string}_events`] = h[event as `${string}_events`] ?? dflt;
  return out;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw errors.validation({ url: ['is blocked: Only allowed schemes are http, https', 'must be a valid URL'] });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw errors.validation({ url: ['is blocked: Only allowed schemes are http, https'] });
  }
}

/** `[{key, value}]` lists (url_variables, custom_headers) as a key -> value map; undefined when not sent. */
function keyValues(req: RouteRequest, key: string): Record<string, string> | undefined {
  const list = arrayParam(paramOf(req, key));
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  list.forEach((item, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    if (o.key === undefined || o.key === '') throw errors.badParam(`${key}[${i}][key] is missing`);
    if (o.value === undefined) throw errors.badParam(`${key}[${i}][value] is missing`);
    out[String(o.key)] = String(o.value);
  });
  return out;
}

/** Settable fields shared by POST and PUT; only what was sent. */
function applyFields(req: RouteRequest, owner: Owner, h: SimHook): void {
  for (const f of ['name', 'description', 'push_events_branch_filter', 'branch_filter_strategy'] as const) {
    const v = optionalString(req, f);
    if (v !== undefined) extra(h)[f] = v;
  }
  if (hasParam(req, 'enable_ssl_verification')) h.enable_ssl_verification = parseBool(paramOf(req, 'enable_ssl_verification'), 'enable_ssl_verification');
  for (const event of Object.keys(owner.events)) {
    if (hasParam(req, event)) h[event as `${string}_events`] = parseBool(paramOf(req, event), event);
  }
  const vars = keyValues(req, 'url_variables');
  if (vars) h.url_variable_values = vars;
  const headers = keyValues(req, 'custom_headers');
  if (headers) h.custom_header_values = headers;
  if (hasParam(req, 'token')) h.token = String(paramOf(req, 'token'));
}

function findHook(owner: Owner, ref: string): SimHook {
  const h = owner.hooks.find((x) => String(x.id) === ref);
  // `hooks.find(id)` raises RecordNotFound: the generic lower-case 404 (docs/gitlab-behaviour.md, Pagination, errors and authentication).
  if (!h) throw errors.recordNotFound();
  return h;
}

function hookAudit(owner: Owner, h: SimHook, event_name: string, custom_message: string): AuditInput {
  return {
    ...owner.entity,
    event_name,
    target_id: h.id,
    target_type: owner.kind === 'project' ? 'ProjectHook' : 'GroupHook',
    // GitLab names the hook, not its URL (docs/gitlab-behaviour.md, Audit events).
    target_details: `Hook ${h.id}`,
    custom_message,
  };
}

function createHook(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const url = requireStringParam(req, 'url');
  checkUrl(url);
  const h: SimHook = {
    id: nextId(ctx.state),
    url,
    created_at: ctx.now().toISOString(),
    enable_ssl_verification: true,
    alert_status: 'executable',
    disabled_until: null,
    ...Object.fromEntries(Object.entries(owner.events)),
  };
  if (owner.kind === 'project') h.project_id = owner.id;
  else h.group_id = owner.id;
  applyFields(req, owner, h);
  owner.hooks.push(h);
  ctx.audit(hookAudit(owner, h, 'webhook_created', `Created ${owner.kind} hook`));
  return { status: 201, body: serializeHook(owner, h) };
}

function updateHook(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const h = findHook(owner, req.params.hook_id!);
  const url = requireStringParam(req, 'url');
  checkUrl(url);
  // A new URL without a new token discards the old token (GitLab WebHook#reset_token).
  if (url !== h.url && !hasParam(req, 'token')) delete h.token;
  h.url = url;
  applyFields(req, owner, h);
  return { status: 200, body: serializeHook(owner, h) };
}

function deleteHook(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const h = findHook(owner, req.params.hook_id!);
  owner.hooks.splice(owner.hooks.indexOf(h), 1);
  ctx.audit(hookAudit(owner, h, 'webhook_destroyed', `Deleted ${owner.kind} hook`));
  return { status: 204 };
}

/** PUT/DELETE …/hooks/:hook_id/(url_variables|custom_headers)/:key -> 204 (docs/gitlab-behaviour.md, Webhooks). */
function setKeyValue(field: 'url_variable_values' | 'custom_header_values', remove: boolean) {
  return (req: RouteRequest, owner: Owner) => {
    const h = findHook(owner, req.params.hook_id!);
    const map = (h[field] ??= {});
    const key = req.params.key!;
    if (remove) {
      if (!(key in map)) throw errors.recordNotFound();
      delete map[key];
    } else {
      map[key] = requireStringParam(req, 'value');
    }
    return { status: 204 };
  };
}

function hookRoutes(base: string, ownerOf: (ctx: SimContext, req: RouteRequest) => Owner, gate: Partial<Route>): Route[] {
  const r = (method: Route['method'], pattern: string, fn: (req: RouteRequest, ctx: SimContext, owner: Owner) => unknown): Route =>
    ({ method, pattern, ...gate, handler: (req, ctx) => fn(req, ctx, ownerOf(ctx, req)) }) as Route;
  return [
    r('GET', base, (req, _ctx, o) => paginate(req, o.hooks.map((h) => serializeHook(o, h)))),
    r('GET', `${base}/:hook_id`, (req, _ctx, o) => ({ status: 200, body: serializeHook(o, findHook(o, req.params.hook_id!)) })),
    r('POST', base, createHook),
    r('PUT', `${base}/:hook_id`, updateHook),
    r('DELETE', `${base}/:hook_id`, deleteHook),
    r('PUT', `${base}/:hook_id/url_variables/:key`, (req, _c, o) => setKeyValue('url_variable_values', false)(req, o)),
    r('DELETE', `${base}/:hook_id/url_variables/:key`, (req, _c, o) => setKeyValue('url_variable_values', true)(req, o)),
    r('PUT', `${base}/:hook_id/custom_headers/:key`, (req, _c, o) => setKeyValue('custom_header_values', false)(req, o)),
    r('DELETE', `${base}/:hook_id/custom_headers/:key`, (req, _c, o) => setKeyValue('custom_header_values', true)(req, o)),
  ];
}

export const routes: Route[] = [
  ...hookRoutes('/projects/:id/hooks', projectOwner, {}),
  ...hookRoutes('/groups/:id/hooks', groupOwner, { ee: true, minTier: 'premium' }),
];
