// Protected branches (docs/gitlab-behaviour.md, Protected branches), project (Maintainer+) and group level
// (Premium, top-level, Owner).
// PATCH is additive (no id adds, {id,…} updates, {id,_destroy} deletes: app/models/protected_branch.rb,
// accepts_nested_attributes_for … allow_destroy); CE patches only allow_force_push
// and adds deploy-key push entries;
// unlicensed EE takes role entries but rejects user/group entries (422) and ignores code_owner_approval_required.
import type { GlAccessLevelEntry, GlProtectedBranch } from '../../gitlab/types';
import { paginate } from '../pagination';
import {
  errors,
  groupRole,
  parseBool,
  parseIntParam,
  projectRole,
  requireGroup,
  requireProject,
  Role,
  type AuditInput,
  type Route,
  type RouteRequest,
  type SimContext,
} from '../kit';
import { nextId, type SimGroup, type SimProject, type SimState } from '../state';
import { removeBranchFromRules } from './approvals';
import {
  arrayParam,
  hasParam,
  isPremium,
  paramOf,
  projectProtectedBranchViews,
  requireStringParam,
  serializeProtectedBranch,
} from './serialize-subresources';

type Kind = 'push' | 'merge' | 'unprotect';
const KINDS: readonly Kind[] = ['push', 'merge', 'unprotect'];
const LIST_KEY = { push: 'push_access_levels', merge: 'merge_access_levels', unprotect: 'unprotect_access_levels' } as const;
/** Model-error prefix GitLab puts before nested access-level errors. */
const LABEL = { push: 'Push access levels', merge: 'Merge access levels', unprotect: 'Unprotect access levels' } as const;
/** Grape `values:`; 0 (No one) is not allowed for unprotect (docs/gitlab-behaviour.md, Protected branches). */
const LEVELS: Record<Kind, readonly number[]> = { push: [0, 30, 40, 60], merge: [0, 30, 40, 60], unprotect: [30, 40, 60] };

/** Where branches live: a project's own list or a top-level group's (docs/gitlab-behaviour.md, Protected branches). */
interface Holder {
  state: SimState;
  branches: GlProtectedBranch[];
  project?: SimProject;
  group?: SimGroup;
  entity: Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'>;
  missing: () => Error;
}

interface EntryInput {
  id?: number;
  access_level?: number;
  user_id?: number;
  group_id?: number;
  deploy_key_id?: number;
  destroy: boolean;
}

function levelParam(req: RouteRequest, key: string, kind: Kind): number | undefined {
  const raw = paramOf(req, key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = parseIntParam(raw, key);
  if (!LEVELS[kind].includes(n)) throw errors.badParam(`${key} does not have a valid value`);
  return n;
}

function parseEntries(raw: unknown, key: string, kind: Kind): EntryInput[] {
  const list = arrayParam(raw) ?? [];
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw errors.badParam(`${key} is invalid`);
    const o = item as Record<string, unknown>;
    const int = (f: string): number | undefined =>
      o[f] === undefined || o[f] === null || o[f] === '' ? undefined : parseIntParam(o[f], `${key}[${i}][${f}]`);
    const access_level = int('access_level');
    if (access_level !== undefined && !LEVELS[kind].includes(access_level)) {
      throw errors.badParam(`${key}[${i}][access_level] does not have a valid value`);
    }
    return {
      id: int('id'),
      access_level,
      user_id: int('user_id'),
      group_id: int('group_id'),
      // Only push entries declare deploy_key_id (docs/gitlab-behaviour.md, Protected branches); elsewhere Grape drops it.
      deploy_key_id: kind === 'push' ? int('deploy_key_id') : undefined,
      destroy: o._destroy === undefined ? false : parseBool(o._destroy, `${key}[${i}][_destroy]`),
    };
  });
}

/**
 * CE declares, inside allowed_to_push, only `deploy_key_id` (lib/api/helpers/protected_branches_helpers.rb
 * `optional_params_ce`), and ProtectedRefs::AccessLevelParams keeps only entries with a deploy key: ids, `_destroy`,
 * access levels, users and groups vanish, and the request still succeeds.
 */
function ceDeployKeyEntries(req: RouteRequest): EntryInput[] {
  return parseEntries(paramOf(req, 'allowed_to_push'), 'allowed_to_push', 'push')
    .filter((e) => e.deploy_key_id !== undefined)
    .map((e) => ({ deploy_key_id: e.deploy_key_id, destroy: false }));
}

/** Apply PATCH-style entries to a copy of `current`; unmentioned records stay (docs/gitlab-behaviour.md, Protected branches). */
function applyEntries(holder: Holder, current: GlAccessLevelEntry[], inputs: EntryInput[]): GlAccessLevelEntry[] {
  const next = current.map((e) => ({ ...e }));
  for (const input of inputs) {
    if (input.id !== undefined) {
      const idx = next.findIndex((e) => e.id === input.id);
      // Nested attributes with an unknown id raise RecordNotFound -> GitLab's generic 404.
      if (idx < 0) throw errors.recordNotFound();
      if (input.destroy) {
        next.splice(idx, 1);
        continue;
      }
      const e = next[idx]!;
      if (input.access_level !== undefined) e.access_level = input.access_level;
      if (input.user_id !== undefined) e.user_id = input.user_id;
      if (input.group_id !== undefined) e.group_id = input.group_id;
      if (input.deploy_key_id !== undefined) e.deploy_key_id = input.deploy_key_id;
      continue;
    }
    if (input.destroy) continue;
    next.push({
      id: nextId(holder.state),
      access_level: input.access_level ?? null,
      access_level_description: '',
      user_id: input.user_id ?? null,
      group_id: input.group_id ?? null,
      deploy_key_id: input.deploy_key_id ?? null,
    });
  }
  return next;
}

/** Model validation of one access-level list; messages as GitLab's full messages (422 array, docs/gitlab-behaviour.md, Pagination, errors and authentication). */
function validateEntries(holder: Holder, kind: Kind, entries: GlAccessLevelEntry[]): string[] {
  const label = LABEL[kind];
  const messages: string[] = [];
  // User/group entries need the licence, and group-level branches take {access_level} entries only (docs/gitlab-behaviour.md, Tier detection and packaging; Protected branches).
  const userGroupAllowed = isPremium(holder.state, holder.project ?? holder.group) && holder.project !== undefined;
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.user_id != null) {
      if (!userGroupAllowed) messages.push(`${label} user must be blank`);
      else if (!holder.project!.members.some((m) => m.user_id === e.user_id) || !holder.state.users.some((u) => u.id === e.user_id)) {
        messages.push(`${label} user is not a member of the project`);
      }
    } else if (e.group_id != null) {
      if (!userGroupAllowed) messages.push(`${label} group must be blank`);
      else if (!holder.state.groups.some((g) => g.id === e.group_id)) messages.push(`${label} group does not have access to the project`);
    } else if (e.deploy_key_id != null) {
      if (!holder.project || !holder.project.deploy_keys.some((k) => k.id === e.deploy_key_id)) {
        messages.push(`${label} deploy key is not enabled for this project`);
      }
    } else if (e.access_level === null || e.access_level === undefined) {
      messages.push(`${label} access level is not included in the list`);
    }
    const key =
      e.user_id != null ? `u${e.user_id}` : e.group_id != null ? `g${e.group_id}` : e.deploy_key_id != null ? `d${e.deploy_key_id}` : `a${e.access_level}`;
    if (seen.has(key)) {
      const what = key[0] === 'u' ? 'user' : key[0] === 'g' ? 'group' : key[0] === 'd' ? 'deploy key' : 'access level';
      messages.push(`${label} ${what} has already been taken`);
    }
    seen.add(key);
  }
  return messages;
}

function view(holder: Holder, b: GlProtectedBranch): GlProtectedBranch {
  return serializeProtectedBranch(holder.state, b, { project: holder.project });
}

/** Humanized entries, as the auditor records access-level changes (`["Maintainers"]`, docs/gitlab-behaviour.md, Audit events). */
function humanize(holder: Holder, entries: GlAccessLevelEntry[]): string[] {
  return view(holder, { id: 0, name: '', allow_force_push: false, push_access_levels: entries, merge_access_levels: [], unprotect_access_levels: [] })
    .push_access_levels.map((e) => e.access_level_description);
}

function findBranch(holder: Holder, name: string): GlProtectedBranch {
  const b = holder.branches.find((x) => x.name === name);
  if (!b) throw holder.missing();
  return b;
}

function create(req: RouteRequest, ctx: SimContext, holder: Holder) {
  const name = requireStringParam(req, 'name');
  if (holder.branches.some((b) => b.name === name)) throw errors.conflict(`Protected branch '${name}' already exists`);
  const ee = holder.state.edition === 'ee';
  const levels = {} as Record<Kind, GlAccessLevelEntry[]>;
  const messages: string[] = [];
  for (const kind of KINDS) {
    // unprotect_access_level and every allowed_to_* are EE params; CE drops them and defaults apply (docs/gitlab-behaviour.md, Tier detection and packaging).
    const level = kind === 'unprotect' && !ee ? undefined : levelParam(req, `${kind}_access_level`, kind);
    const inputs: EntryInput[] = level === undefined ? [] : [{ access_level: level, destroy: false }];
    if (ee) inputs.push(...parseEntries(paramOf(req, `allowed_to_${kind}`), `allowed_to_${kind}`, kind).map((e) => ({ ...e, id: undefined })));
    else if (kind === 'push') inputs.push(...ceDeployKeyEntries(req));
    if (inputs.length === 0 && kind !== 'unprotect') inputs.push({ access_level: Role.Maintainer, destroy: false });
    levels[kind] = applyEntries(holder, [], inputs);
    messages.push(...validateEntries(holder, kind, levels[kind]));
  }
  if (messages.length > 0) throw errors.unprocessable(messages);
  const branch: GlProtectedBranch = {
    id: nextId(holder.state),
    name,
    allow_force_push: hasParam(req, 'allow_force_push') ? parseBool(paramOf(req, 'allow_force_push'), 'allow_force_push') : false,
    // Ignored unless licensed (docs/gitlab-behaviour.md, Protected branches).
    code_owner_approval_required:
      isPremium(holder.state, holder.project ?? holder.group) && hasParam(req, 'code_owner_approval_required')
        ? parseBool(paramOf(req, 'code_owner_approval_required'), 'code_owner_approval_required')
        : false,
    push_access_levels: levels.push,
    merge_access_levels: levels.merge,
    unprotect_access_levels: levels.unprotect,
  };
  holder.branches.push(branch);
  ctx.audit({
    ...holder.entity,
    event_name: 'protected_branch_created',
    target_id: branch.id,
    target_type: 'ProtectedBranch',
    target_details: name,
    custom_message: `Added protected branch with [allowed to push: ${JSON.stringify(humanize(holder, branch.push_access_levels))}] and [allowed to merge: ${JSON.stringify(humanize(holder, branch.merge_access_levels))}]`.replace(/"/g, ''),
  });
  return { status: 201, body: view(holder, branch) };
}

/** Editing allowed_to_unprotect needs the caller to be allowed to unprotect (docs/gitlab-behaviour.md, Protected branches); no entries = Maintainers. */
function canUnprotect(ctx: SimContext, holder: Holder, branch: GlProtectedBranch): boolean {
  const role = holder.project ? projectRole(ctx.state, ctx.user, holder.project) : groupRole(ctx.state, ctx.user, holder.group!);
  if (branch.unprotect_access_levels.length === 0) return role >= Role.Maintainer;
  return branch.unprotect_access_levels.some((e) =>
    e.user_id != null ? e.user_id === ctx.user.id : e.group_id == null && e.deploy_key_id == null && role >= (e.access_level ?? Infinity),
  );
}

function update(req: RouteRequest, ctx: SimContext, holder: Holder) {
  const branch = findBranch(holder, req.params.name!);
  const ee = holder.state.edition === 'ee';
  const forcePush = hasParam(req, 'allow_force_push') ? parseBool(paramOf(req, 'allow_force_push'), 'allow_force_push') : undefined;
  const codeOwner =
    isPremium(holder.state, holder.project ?? holder.group) && hasParam(req, 'code_owner_approval_required')
      ? parseBool(paramOf(req, 'code_owner_approval_required'), 'code_owner_approval_required')
      : undefined;
  if (ee && hasParam(req, 'allowed_to_unprotect') && !canUnprotect(ctx, holder, branch)) throw errors.forbidden();
  const next = {} as Record<Kind, GlAccessLevelEntry[]>;
  const messages: string[] = [];
  for (const kind of KINDS) {
    const current = branch[LIST_KEY[kind]];
    // CE declares allow_force_push and allowed_to_push[deploy_key_id] on PATCH: deploy keys are added, the rest is
    // dropped with 200 (API::Helpers::ProtectedBranchesHelpers, ProtectedRefs::AccessLevelParams).
    if (!ee) {
      next[kind] = kind === 'push' && hasParam(req, 'allowed_to_push') ? applyEntries(holder, current, ceDeployKeyEntries(req)) : current;
      if (next[kind] !== current) messages.push(...validateEntries(holder, kind, next[kind]));
      continue;
    }
    if (!hasParam(req, `allowed_to_${kind}`)) {
      next[kind] = current;
      continue;
    }
    next[kind] = applyEntries(holder, current, parseEntries(paramOf(req, `allowed_to_${kind}`), `allowed_to_${kind}`, kind));
    messages.push(...validateEntries(holder, kind, next[kind]));
  }
  if (messages.length > 0) throw errors.unprocessable(messages);

  const target = { ...holder.entity, target_id: branch.id, target_type: 'ProtectedBranch', target_details: branch.name };
  if (forcePush !== undefined && forcePush !== branch.allow_force_push) {
    ctx.audit({
      ...target,
      event_name: 'protected_branch_allow_force_push_updated',
      change: 'allow force push',
      from: branch.allow_force_push,
      to: forcePush,
      custom_message: `Changed allow force push from ${branch.allow_force_push} to ${forcePush}`,
    });
    branch.allow_force_push = forcePush;
  }
  const oldCodeOwner = branch.code_owner_approval_required ?? false;
  if (codeOwner !== undefined && codeOwner !== oldCodeOwner) {
    ctx.audit({
      ...target,
      event_name: 'protected_branch_code_owner_approval_required_updated',
      change: 'code owner approval required',
      from: oldCodeOwner,
      to: codeOwner,
      custom_message: `Changed code owner approval required from ${oldCodeOwner} to ${codeOwner}`,
    });
    branch.code_owner_approval_required = codeOwner;
  }
  // GitLab audits push and merge lists (not unprotect) as humanized arrays (EE ProtectedBranchesChangesAuditor).
  for (const [kind, change] of [['push', 'allowed to push'], ['merge', 'allowed to merge']] as const) {
    const from = humanize(holder, branch[LIST_KEY[kind]]);
    const to = humanize(holder, next[kind]);
    // The auditor compares records, so replacing an entry by an equal one still counts as a change.
    const ids = (l: GlAccessLevelEntry[]) => JSON.stringify(l.map((e) => [e.id, e.access_level, e.user_id, e.group_id, e.deploy_key_id]));
    if (ids(branch[LIST_KEY[kind]]) !== ids(next[kind])) {
      ctx.audit({
        ...target,
        event_name: 'protected_branch_updated',
        change,
        from,
        to,
        custom_message: `Changed ${change} from ${JSON.stringify(from)} to ${JSON.stringify(to)}`,
      });
    }
  }
  branch.push_access_levels = next.push;
  branch.merge_access_levels = next.merge;
  branch.unprotect_access_levels = next.unprotect;
  return { status: 200, body: view(holder, branch) };
}

function remove(req: RouteRequest, ctx: SimContext, holder: Holder) {
  const branch = findBranch(holder, req.params.name!);
  holder.branches.splice(holder.branches.indexOf(branch), 1);
  // Rules lose a deleted branch (docs/gitlab-behaviour.md, Merge request approvals, gitlabform #1061): a rule left with none covers all branches.
  if (holder.project) removeBranchFromRules(holder.project, branch.id);
  ctx.audit({
    ...holder.entity,
    event_name: 'protected_branch_removed',
    target_id: branch.id,
    target_type: 'ProtectedBranch',
    target_details: branch.name,
    custom_message: 'Unprotected branch',
  });
  return { status: 204 };
}

function projectHolder(ctx: SimContext, req: RouteRequest): Holder {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  return {
    state: ctx.state,
    branches: project.protected_branches,
    project,
    entity: { entity_type: 'Project', entity_id: project.id, entity_path: project.path_with_namespace },
    // find_by! on the project's own branches: generic lower-case 404 (docs/gitlab-behaviour.md, Pagination, errors and authentication).
    missing: () => errors.recordNotFound(),
  };
}

function groupHolder(ctx: SimContext, req: RouteRequest): Holder {
  const group = requireGroup(ctx, req.params.id!, Role.Owner);
  // Group-level protected branches exist on top-level groups only (docs/gitlab-behaviour.md, Protected branches).
  if (group.parent_id !== null) throw errors.notFound('Group');
  return {
    state: ctx.state,
    branches: group.protected_branches,
    group,
    entity: { entity_type: 'Group', entity_id: group.id, entity_path: group.full_path },
    missing: () => errors.notFound('ProtectedBranch'),
  };
}

function searchFilter(req: RouteRequest): (b: GlProtectedBranch) => boolean {
  const search = paramOf(req, 'search');
  if (search === undefined || search === '') return () => true;
  const needle = String(search).toLowerCase();
  return (b) => b.name.toLowerCase().includes(needle);
}

const P = '/projects/:id/protected_branches';
const G = '/groups/:id/protected_branches';

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: P,
    handler: (req, ctx) => {
      const h = projectHolder(ctx, req);
      return paginate(req, projectProtectedBranchViews(ctx.state, h.project!).filter(searchFilter(req)));
    },
  },
  { method: 'GET', pattern: `${P}/:name`, handler: (req, ctx) => {
      const h = projectHolder(ctx, req);
      return { status: 200, body: view(h, findBranch(h, req.params.name!)) };
    } },
  { method: 'POST', pattern: P, handler: (req, ctx) => create(req, ctx, projectHolder(ctx, req)) },
  { method: 'PATCH', pattern: `${P}/:name`, handler: (req, ctx) => update(req, ctx, projectHolder(ctx, req)) },
  { method: 'DELETE', pattern: `${P}/:name`, handler: (req, ctx) => remove(req, ctx, projectHolder(ctx, req)) },

  {
    method: 'GET',
    pattern: G,
    ee: true,
    minTier: 'premium',
    handler: (req, ctx) => {
      const h = groupHolder(ctx, req);
      return paginate(req, h.branches.filter(searchFilter(req)).map((b) => view(h, b)));
    },
  },
  { method: 'GET', pattern: `${G}/:name`, ee: true, minTier: 'premium', handler: (req, ctx) => {
      const h = groupHolder(ctx, req);
      return { status: 200, body: view(h, findBranch(h, req.params.name!)) };
    } },
  { method: 'POST', pattern: G, ee: true, minTier: 'premium', handler: (req, ctx) => create(req, ctx, groupHolder(ctx, req)) },
  { method: 'PATCH', pattern: `${G}/:name`, ee: true, minTier: 'premium', handler: (req, ctx) => update(req, ctx, groupHolder(ctx, req)) },
  { method: 'DELETE', pattern: `${G}/:name`, ee: true, minTier: 'premium', handler: (req, ctx) => remove(req, ctx, groupHolder(ctx, req)) },
];
