// Shared by the project/group subresource routes: request-parameter access and the protected-branch entity
// (approval rules embed full protected branches, docs/gitlab-behaviour.md, Merge request approvals).
import type { GlAccessLevelEntry, GlProtectedBranch } from '../../gitlab/types';
import { accessLevelDescription, errors, type RouteRequest } from '../kit';
import type { SimGroup, SimProject, SimState } from '../state';
import { atLeastTier } from '../entities';

/** A parameter from the JSON/form body, else the query string (GitLab reads both, docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export function paramOf(req: RouteRequest, key: string): unknown {
  if (req.body && Object.prototype.hasOwnProperty.call(req.body, key) && req.body[key] !== undefined) return req.body[key];
  const q = req.query.get(key);
  return q === null ? undefined : q;
}

export function hasParam(req: RouteRequest, key: string): boolean {
  return paramOf(req, key) !== undefined;
}

/** A required string parameter: Grape answers 400 `{"error":"<key> is missing"}`. */
export function requireStringParam(req: RouteRequest, key: string): string {
  const v = paramOf(req, key);
  if (v === undefined || v === null || v === '') throw errors.badParam(`${key} is missing`);
  return String(v);
}

export function optionalString(req: RouteRequest, key: string): string | undefined {
  const v = paramOf(req, key);
  return v === undefined || v === null ? undefined : String(v);
}

/** Nested hash param `filter[environment_scope]`: a parsed body `{filter: {environment_scope}}` or the raw query key. */
export function nestedParam(req: RouteRequest, outer: string, inner: string): string | undefined {
  const o = paramOf(req, outer);
  if (o && typeof o === 'object' && !Array.isArray(o) && (o as Record<string, unknown>)[inner] !== undefined) {
    return String((o as Record<string, unknown>)[inner]);
  }
  const flat = req.query.get(`${outer}[${inner}]`) ?? (req.body ? (req.body[`${outer}[${inner}]`] as string | undefined) : undefined);
  return flat === null || flat === undefined ? undefined : String(flat);
}

/**
 * Array params: a JSON array, form arrays parsed as index-keyed objects (`{ "0": {...} }`), or a comma string
 * (approval-rule id lists, docs/gitlab-behaviour.md, Pagination, errors and authentication).
 */
export function arrayParam(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>);
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim());
  return [value];
}

/** Description GitLab shows for an entry: role name, user/group name, or deploy key title (docs/gitlab-behaviour.md, Protected branches). */
function entryDescription(state: SimState, project: SimProject | undefined, e: GlAccessLevelEntry): string {
  if (e.user_id != null) return state.users.find((u) => u.id === e.user_id)?.name ?? 'User';
  if (e.group_id != null) return state.groups.find((g) => g.id === e.group_id)?.name ?? 'Group';
  if (e.deploy_key_id != null) return project?.deploy_keys.find((k) => k.id === e.deploy_key_id)?.title ?? 'Deploy key';
  return accessLevelDescription(e.access_level ?? 0);
}

function serializeEntry(state: SimState, project: SimProject | undefined, e: GlAccessLevelEntry, withDeployKey: boolean): GlAccessLevelEntry {
  const isRole = e.user_id == null && e.group_id == null && e.deploy_key_id == null;
  const out: GlAccessLevelEntry = {
    id: e.id,
    access_level: isRole ? e.access_level : null,
    access_level_description: entryDescription(state, project, e),
  };
  // user_id/group_id come from the EE entity on any EE build, licensed or not; CE has none. deploy_key_id is in CE's
  // own entity, for entries whose table has the column (push): API::Entities::ProtectedRefAccess
  // `expose :deploy_key_id, if: ->(access) { access.has_attribute?(:deploy_key_id) }`.
  if (state.edition === 'ee') {
    out.user_id = e.user_id ?? null;
    out.group_id = e.group_id ?? null;
  }
  if (withDeployKey) out.deploy_key_id = e.deploy_key_id ?? null;
  return out;
}

/**
 * The protected-branch entity. `inherited` marks a group-level branch seen from a project (docs/gitlab-behaviour.md, Protected branches);
 * EE-only keys (`code_owner_approval_required`, `inherited`) are absent on CE.
 */
export function serializeProtectedBranch(
  state: SimState,
  b: GlProtectedBranch,
  opts: { project?: SimProject; inherited?: boolean } = {},
): GlProtectedBranch {
  const out: GlProtectedBranch = {
    id: b.id,
    name: b.name,
    push_access_levels: b.push_access_levels.map((e) => serializeEntry(state, opts.project, e, true)),
    merge_access_levels: b.merge_access_levels.map((e) => serializeEntry(state, opts.project, e, false)),
    allow_force_push: b.allow_force_push,
    unprotect_access_levels: b.unprotect_access_levels.map((e) => serializeEntry(state, opts.project, e, false)),
  };
  if (state.edition === 'ee') {
    out.code_owner_approval_required = b.code_owner_approval_required ?? false;
    out.inherited = opts.inherited ?? false;
  }
  return out;
}

/** Premium or better where `where` lives (its top-level group's plan on a GitLab.com-like sim: sim/entities.ts tierOf). */
export function isPremium(state: SimState, where?: SimGroup | SimProject): boolean {
  return atLeastTier(state, 'premium', where);
}

export function topLevelGroup(state: SimState, project: SimProject): SimGroup | undefined {
  let g = state.groups.find((x) => x.id === project.namespace.id);
  for (let i = 0; g && g.parent_id !== null && i < 100; i++) g = state.groups.find((x) => x.id === g!.parent_id);
  return g;
}

/**
 * What a project's list shows: its own branches, then (Premium, EE) the top-level group's branches with
 * `inherited: true` (docs/gitlab-behaviour.md, Protected branches).
 */
export function projectProtectedBranchViews(state: SimState, project: SimProject): GlProtectedBranch[] {
  const own = project.protected_branches.map((b) => serializeProtectedBranch(state, b, { project }));
  if (!isPremium(state, project)) return own;
  const root = topLevelGroup(state, project);
  const inherited = (root?.protected_branches ?? []).map((b) => serializeProtectedBranch(state, b, { project, inherited: true }));
  return [...own, ...inherited];
}
