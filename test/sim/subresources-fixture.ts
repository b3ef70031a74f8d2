// A tiny hand-built SimState and a direct route caller for the subresource route tests. The caller applies the
// same gates the server does (EE route on CE -> 404 route, below minTier -> 403, writes need `api`).
import { COMPLIANT_APPROVALS } from '../../sim/scenarios/build';
import type { GlProtectedBranch, Tier } from '../../gitlab/types';
import { accessLevelDescription, SimHttpError, type AuditInput, type Route, type RouteResult, type SimContext } from '../../sim/kit';
import { routes as approvalRoutes } from '../../sim/routes/approvals';
import { routes as hookRoutes } from '../../sim/routes/hooks';
import { routes as jobTokenRoutes } from '../../sim/routes/job-token-scope';
import { routes as protectedBranchRoutes } from '../../sim/routes/protected-branches';
import { routes as variableRoutes } from '../../sim/routes/variables';
import type { SimGroup, SimProject, SimState, SimUser } from '../../sim/state';

export const subresourceRoutes: Route[] = [...protectedBranchRoutes, ...approvalRoutes, ...hookRoutes, ...variableRoutes, ...jobTokenRoutes];

const TIERS: Tier[] = ['free', 'premium', 'ultimate'];

export interface Fixture {
  state: SimState;
  users: { root: SimUser; alice: SimUser; bob: SimUser; dave: SimUser };
  group: SimGroup;
  sub: SimGroup;
  project: SimProject;
  other: SimProject;
  audits: AuditInput[];
  call(
    method: Route['method'],
    path: string,
    opts?: { body?: Record<string, unknown>; query?: Record<string, string>; as?: SimUser; scopes?: string[] },
  ): Promise<RouteResult>;
}

export function branch(state: SimState, name: string, push = 40, merge = 40): GlProtectedBranch {
  const entry = (level: number) => ({
    id: ++state.next_id,
    access_level: level,
    access_level_description: accessLevelDescription(level),
    user_id: null,
    group_id: null,
    deploy_key_id: null,
  });
  return {
    id: ++state.next_id,
    name,
    allow_force_push: false,
    code_owner_approval_required: false,
    push_access_levels: [entry(push)],
    merge_access_levels: [entry(merge)],
    unprotect_access_levels: [],
  };
}

function user(id: number, username: string, name: string, is_admin = false): SimUser {
  return { id, username, name, email: `${username}@acme.example`, state: 'active', is_admin };
}

function group(id: number, path: string, parent: SimGroup | null, members: SimGroup['members']): SimGroup {
  return {
    id,
    name: path.charAt(0).toUpperCase() + path.slice(1),
    path,
    full_path: parent ? `${parent.full_path}/${path}` : path,
    parent_id: parent?.id ?? null,
    visibility: 'private',
    require_two_factor_authentication: true,
    two_factor_grace_period: 8,
    project_creation_level: 'maintainer',
    subgroup_creation_level: 'maintainer',
    default_branch_protection: 2,
    members,
    hooks: [],
    variables: [],
    approval_settings: { ...COMPLIANT_APPROVALS },
    approval_locks: {},
    protected_branches: [],
  };
}

function project(id: number, g: SimGroup, path: string): SimProject {
  return {
    id,
    name: path,
    path,
    path_with_namespace: `${g.full_path}/${path}`,
    namespace: { id: g.id, kind: 'group', full_path: g.full_path },
    default_branch: 'main',
    visibility: 'private',
    archived: false,
    public_jobs: false,
    approvals_before_merge: 0,
    members: [],
    protected_branches: [],
    approvals: { ...COMPLIANT_APPROVALS },
    approval_rules: [],
    hooks: [],
    variables: [],
    job_token_scope: { inbound_enabled: true, outbound_enabled: false, allowlist: [], groups_allowlist: [] },
    deploy_keys: [{ id: 7, title: 'ci-deployer', can_push: false }],
    branches: ['main', 'release/1'],
  };
}

/** acme (alice Owner, bob Maintainer, dave Developer) > acme/platform; projects acme/web (main protected) and acme/platform/api. */
export function makeFixture(opts: { tier?: Tier; edition?: 'ee' | 'ce' } = {}): Fixture {
  const root = user(1, 'root', 'Administrator', true);
  const alice = user(2, 'alice', 'Alice Owner');
  const bob = user(3, 'bob', 'Bob Maintainer');
  const dave = user(4, 'dave', 'Dave Developer');
  const acme = group(10, 'acme', null, [
    { user_id: alice.id, access_level: 50 },
    { user_id: bob.id, access_level: 40 },
    { user_id: dave.id, access_level: 30 },
  ]);
  const platform = group(11, 'platform', acme, []);
  const web = project(20, acme, 'web');
  const api = project(21, platform, 'api');
  const edition = opts.edition ?? 'ee';
  const state: SimState = {
    tier: edition === 'ce' ? 'free' : (opts.tier ?? 'ultimate'),
    edition,
    version: edition === 'ee' ? '17.11.2-ee' : '17.11.2',
    revision: 'abc',
    users: [root, alice, bob, dave],
    tokens: [],
    groups: [acme, platform],
    projects: [web, api],
    application_settings: {
      require_two_factor_authentication: true,
      two_factor_grace_period: 8,
      default_project_visibility: 'private',
      default_group_visibility: 'private',
      restricted_visibility_levels: null,
    },
    audit_events: [],
    next_id: 1000,
  };
  web.protected_branches.push(branch(state, 'main'));
  const audits: AuditInput[] = [];

  async function call(
    method: Route['method'],
    path: string,
    o: { body?: Record<string, unknown>; query?: Record<string, string>; as?: SimUser; scopes?: string[] } = {},
  ): Promise<RouteResult> {
    const segs = path.split('/').slice(1);
    for (const route of subresourceRoutes) {
      if (route.method !== method) continue;
      const pat = route.pattern.split('/').slice(1);
      if (pat.length !== segs.length) continue;
      const params: Record<string, string> = {};
      if (!pat.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segs[i]!)), true) : p === segs[i]))) continue;
      if (route.ee && state.edition === 'ce') break;
      const url = new URL(`http://127.0.0.1/api/v4${path}`);
      for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
      const ctx: SimContext = {
        state,
        user: o.as ?? bob,
        scopes: o.scopes ?? ['api'],
        ip: '203.0.113.9',
        baseUrl: 'http://127.0.0.1',
        now: () => new Date('2026-01-01T00:00:00Z'),
        audit: (e) => audits.push(e),
      };
      try {
        if (method !== 'GET' && !ctx.scopes.includes('api')) throw new SimHttpError(403, { error: 'insufficient_scope' });
        if (route.minTier && TIERS.indexOf(state.tier) < TIERS.indexOf(route.minTier)) throw new SimHttpError(403, { message: '403 Forbidden' });
        return await route.handler({ method, params, query: url.searchParams, body: o.body ?? {}, url }, ctx);
      } catch (err) {
        if (err instanceof SimHttpError) return { status: err.status, body: err.body };
        throw err;
      }
    }
    return { status: 404, body: { error: '404 Not Found' } };
  }

  return { state, users: { root, alice, bob, dave }, group: acme, sub: platform, project: web, other: api, audits, call };
}
