// What every sim route file uses: the route contract, GitLab's error bodies (docs/gitlab-behaviour.md, Pagination, errors and authentication), and
// lookups that answer 404/403 exactly where GitLab does (docs/gitlab-behaviour.md, Pagination, errors and authentication: invisible -> 404, visible but not allowed -> 403).
import { HUMAN_ACCESS_LEVELS } from '../gitlab/access-levels';
import type { Tier } from '../gitlab/types';
import type { SimGroup, SimProject, SimState, SimUser } from './state';

export interface RouteRequest {
  method: string;
  /** Path parameters, already URL-decoded (`acme%2Fweb` -> `acme/web`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** JSON body, or the form/query body parsed into nested objects (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
  body: Record<string, unknown>;
  /** Full request URL path + query, for Link headers. */
  url: URL;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimContext {
  state: SimState;
  /** The authenticated user (routes that allow anonymous access get null). */
  user: SimUser;
  /** The token's scopes; writes need `api`. */
  scopes: string[];
  /** Id of the presented token (for `/personal_access_tokens/self`); never the secret. */
  tokenId?: number;
  ip: string;
  /**
   * The URL the sim is served at (`http://127.0.0.1:PORT`): GitLab builds `web_url` and clone URLs from its own
   * configured URL (`Gitlab.config.gitlab.url`, i.e. where it is served), so the sim's links lead back to the sim.
   */
  baseUrl: string;
  now: () => Date;
  /** Record an audit event for an accepted change (author, ip and time filled in). */
  audit: (event: AuditInput) => void;
}

export interface AuditInput {
  entity_type: 'User' | 'Group' | 'Project' | 'Gitlab::Audit::InstanceScope';
  entity_id: number;
  entity_path: string;
  event_name: string;
  target_id?: number | string;
  target_type?: string;
  target_details?: string;
  change?: string;
  from?: unknown;
  to?: unknown;
  custom_message?: string;
  add?: string;
  remove?: string;
}

export type Handler = (req: RouteRequest, ctx: SimContext) => RouteResult | Promise<RouteResult>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** GitLab path under /api/v4 with `:name` parameters, e.g. `/projects/:id/protected_branches/:name`. */
  pattern: string;
  /** EE-only routes 404 as unknown routes on CE (docs/gitlab-behaviour.md, Tier detection and packaging). */
  ee?: boolean;
  /** Licence tier below which an EE route answers 403 (docs/gitlab-behaviour.md, Tier detection and packaging: "EE endpoint, unlicensed"). */
  minTier?: Tier;
  handler: Handler;
}

/** Thrown by handlers; the server turns it into the status and GitLab's body. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** lib/api/api_guard.rb `oauth2_bearer_token_error_handler`: the descriptions for Expired/RevokedError. */
export const INVALID_TOKEN_DESCRIPTIONS = {
  expired: 'Token is expired. You can either do re-authorization or token refresh.',
  revoked: 'Token was revoked. You have to re-authorize from the user.',
} as const;

export const errors = {
  unknownRoute: () => new SimHttpError(404, { error: '404 Not Found' }),
  /** Named resource missing or invisible: `404 Project Not Found`, `404 Group Not Found`, `404 ProtectedBranch Not Found`. */
  notFound: (what: string) => new SimHttpError(404, { message: `404 ${what} Not Found` }),
  /** Record lookup by key (branch name, rule id, variable key): lower-case "found". */
  recordNotFound: () => new SimHttpError(404, { message: '404 Not found' }),
  forbidden: () => new SimHttpError(403, { message: '403 Forbidden' }),
  /**
   * The token is valid but its user may not use the API (blocked, deactivated): `forbidden!` with
   * Gitlab::Auth::UserAccessDeniedReason#rejection_message, whose deactivated text names the instance URL.
   */
  accessDenied: (state: 'blocked' | 'deactivated', url: string) =>
    new SimHttpError(403, {
      message:
        state === 'blocked'
          ? '403 Forbidden - Your account has been blocked.'
          : `403 Forbidden - Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${url}`,
    }),
  unauthorized: () => new SimHttpError(401, { message: '401 Unauthorized' }),
  /**
   * An expired or revoked token: Rack::OAuth2::Server::Resource::Bearer::Unauthorized renders the error as JSON and
   * as a WWW-Authenticate challenge (realm "Protected by OAuth 2.0", rack-oauth2's DEFAULT_REALM).
   */
  invalidToken: (why: keyof typeof INVALID_TOKEN_DESCRIPTIONS) =>
    new SimHttpError(
      401,
      { error: 'invalid_token', error_description: INVALID_TOKEN_DESCRIPTIONS[why] },
      { 'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${INVALID_TOKEN_DESCRIPTIONS[why]}"` },
    ),
  insufficientScope: (scope: string) =>
    new SimHttpError(403, {
      error: 'insufficient_scope',
      error_description: `The request requires higher privileges than provided by the access token.`,
      scope,
    }),
  /** Grape param validation: `{"error":"name is missing"}`. */
  badParam: (error: string) => new SimHttpError(400, { error }),
  /** Model validation: `{"message":{"field":["msg"]}}`. */
  validation: (fields: Record<string, string[]>) => new SimHttpError(400, { message: fields }),
  /** Service errors (protected branches): message is an array. */
  unprocessable: (messages: string[]) => new SimHttpError(422, { message: messages }),
  conflict: (message: string) => new SimHttpError(409, { message }),
};

export const Role = { Guest: 10, Reporter: 20, Developer: 30, Maintainer: 40, Owner: 50, Admin: 60 } as const;

export function groupByRef(state: SimState, ref: string): SimGroup | undefined {
  return /^\d+$/.test(ref) ? state.groups.find((g) => g.id === Number(ref)) : state.groups.find((g) => g.full_path === ref);
}

export function projectByRef(state: SimState, ref: string): SimProject | undefined {
  return /^\d+$/.test(ref)
    ? state.projects.find((p) => p.id === Number(ref))
    : state.projects.find((p) => p.path_with_namespace === ref);
}

export function groupAncestors(state: SimState, group: SimGroup): SimGroup[] {
  const chain: SimGroup[] = [];
  let g: SimGroup | undefined = group;
  while (g) {
    chain.push(g);
    g = g.parent_id === null ? undefined : state.groups.find((x) => x.id === g!.parent_id);
  }
  return chain;
}

/** Effective role: direct membership or any ancestor group's, the highest wins; admins are 60. */
export function groupRole(state: SimState, user: SimUser, group: SimGroup): number {
  if (user.is_admin) return Role.Admin;
  return Math.max(0, ...groupAncestors(state, group).flatMap((g) => g.members.filter((m) => m.user_id === user.id).map((m) => m.access_level)));
}

export function projectRole(state: SimState, user: SimUser, project: SimProject): number {
  if (user.is_admin) return Role.Admin;
  const direct = project.members.filter((m) => m.user_id === user.id).map((m) => m.access_level);
  const group = state.groups.find((g) => g.id === project.namespace.id);
  return Math.max(0, ...direct, group ? groupRole(state, user, group) : 0);
}

/** Visible = member (any role), admin, or public/internal to a signed-in user. */
export function canSeeGroup(state: SimState, user: SimUser, group: SimGroup): boolean {
  return group.visibility !== 'private' || groupRole(state, user, group) > 0 || hasDescendantAccess(state, user, group);
}

export function canSeeProject(state: SimState, user: SimUser, project: SimProject): boolean {
  return project.visibility !== 'private' || projectRole(state, user, project) > 0;
}

function hasDescendantAccess(state: SimState, user: SimUser, group: SimGroup): boolean {
  return state.groups.some((g) => g.id !== group.id && groupAncestors(state, g).some((a) => a.id === group.id) && g.members.some((m) => m.user_id === user.id));
}

/** Look up a group the caller can see (404 otherwise) and that the caller has at least `minRole` on (403 otherwise). */
export function requireGroup(ctx: SimContext, ref: string, minRole = 0): SimGroup {
  const group = groupByRef(ctx.state, ref);
  if (!group || !canSeeGroup(ctx.state, ctx.user, group)) throw errors.notFound('Group');
  if (groupRole(ctx.state, ctx.user, group) < minRole) throw errors.forbidden();
  return group;
}

export function requireProject(ctx: SimContext, ref: string, minRole = 0): SimProject {
  const project = projectByRef(ctx.state, ref);
  if (!project || !canSeeProject(ctx.state, ctx.user, project)) throw errors.notFound('Project');
  if (projectRole(ctx.state, ctx.user, project) < minRole) throw errors.forbidden();
  return project;
}

/** Writes need the `api` scope (read_api tokens get 403 insufficient_scope, docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export function requireWriteScope(ctx: SimContext): void {
  if (!ctx.scopes.includes('api')) throw errors.insufficientScope('api');
}

/** Grape `Boolean` coercion (docs/gitlab-behaviour.md, Pagination, errors and authentication): true/false, 1/0, yes/no, on/off, t/f, y/n. */
export function parseBool(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
  throw errors.badParam(`${field} is invalid`);
}

export function parseIntParam(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isInteger(n)) throw errors.badParam(`${field} is invalid`);
  return n;
}

/** `web_url` of a group (`/groups/<full_path>`), a project or a user (`/<path>`), under the served URL. */
export function webUrl(ctx: Pick<SimContext, 'baseUrl'>, kind: 'group' | 'project' | 'user', path: string): string {
  return kind === 'group' ? `${ctx.baseUrl}/groups/${path}` : `${ctx.baseUrl}/${path}`;
}

/** Role descriptions GitLab shows on protected-branch entries (docs/gitlab-behaviour.md, Protected branches). */
export function accessLevelDescription(level: number): string {
  return HUMAN_ACCESS_LEVELS[level] ?? `Access level ${level}`;
}
