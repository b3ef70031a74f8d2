// Merge-request approvals (docs/gitlab-behaviour.md, Merge request approvals, Premium): /approvals, approval rules, and the
// merge_request_approval_setting endpoints with lock info. POST /approvals silently keeps
// locked flags (201 with old values), and three booleans are inverted between the two APIs.
import type { GlApprovalRule, GlLockedSetting, GlProjectApprovals, GlProtectedBranch } from '../../gitlab/types';
import { paginate } from '../pagination';
import {
  errors,
  SimHttpError,
  groupAncestors,
  parseBool,
  parseIntParam,
  requireGroup,
  requireProject,
  Role,
  type AuditInput,
  type Route,
  type RouteRequest,
  type SimContext,
} from '../kit';
import { nextId, type SimApprovalFlags, type SimApprovalRule, type SimGroup, type SimProject, type SimState } from '../state';
import { arrayParam, hasParam, paramOf, serializeProtectedBranch, isPremium, topLevelGroup } from './serialize-subresources';

type Flag = keyof SimApprovalFlags;
type Lock = { value: boolean; from: 'group' | 'instance' };

/** Deleting a protected branch drops it from every rule of its project (docs/gitlab-behaviour.md, Merge request approvals; gitlabform #1061). */
export function removeBranchFromRules(project: SimProject, branchId: number): void {
  for (const rule of project.approval_rules) {
    rule.protected_branch_ids = rule.protected_branch_ids.filter((id) => id !== branchId);
  }
}

// ---- locks and effective values ----------------------------------------------------------------------

/** Instance settings that force a flag (docs/gitlab-behaviour.md, Instance settings; Merge request approvals); values in /approvals terms. */
function instanceLocks(state: SimState): Partial<Record<Flag, boolean>> {
  const s = state.application_settings;
  const locks: Partial<Record<Flag, boolean>> = {};
  if (s.prevent_merge_requests_author_approval) locks.merge_requests_author_approval = false;
  if (s.prevent_merge_requests_committers_approval) locks.merge_requests_disable_committers_approval = true;
  if (s.disable_overriding_approvers_per_merge_request) locks.disable_overriding_approvers_per_merge_request = true;
  return locks;
}

/** The instance lock wins, then the top-most ancestor group that locks the flag. */
function lockOf(state: SimState, project: SimProject, flag: Flag): Lock | undefined {
  const inst = instanceLocks(state)[flag];
  if (inst !== undefined) return { value: inst, from: 'instance' };
  const group = state.groups.find((g) => g.id === project.namespace.id);
  if (!group) return undefined;
  const chain = groupAncestors(state, group).reverse();
  const locking = chain.find((g) => g.approval_locks[flag]);
  return locking ? { value: locking.approval_settings[flag], from: 'group' } : undefined;
}

function effectiveFlag(state: SimState, project: SimProject, flag: Flag): boolean {
  return lockOf(state, project, flag)?.value ?? project.approvals[flag];
}

function approvalsBody(state: SimState, project: SimProject): GlProjectApprovals {
  const eff = (f: Flag) => effectiveFlag(state, project, f);
  const body: GlProjectApprovals = {
    approvers: [],
    approver_groups: [],
    reset_approvals_on_push: eff('reset_approvals_on_push'),
    selective_code_owner_removals: eff('selective_code_owner_removals'),
    disable_overriding_approvers_per_merge_request: eff('disable_overriding_approvers_per_merge_request'),
    merge_requests_author_approval: eff('merge_requests_author_approval'),
    merge_requests_disable_committers_approval: eff('merge_requests_disable_committers_approval'),
    require_password_to_approve: eff('require_password_to_approve'),
    require_reauthentication_to_approve: project.approvals.require_reauthentication_to_approve ?? eff('require_password_to_approve'),
  };
  // Licence-gated key: absent below Premium (docs/gitlab-behaviour.md, Tier detection and packaging).
  if (isPremium(state, project)) body.approvals_before_merge = project.approvals_before_merge ?? 0;
  return body;
}

// ---- audit ------------------------------------------------------------------------------------------

/** Project auditor phrases (EE ProjectChangesAuditor); author approval is "prevent …", so from/to are inverted. */
const PROJECT_AUDIT: Record<Flag, { event: string; change: string; inverted: boolean }> = {
  merge_requests_author_approval: { event: 'project_merge_requests_author_approval_updated', change: 'prevent merge request approval from authors', inverted: true },
  merge_requests_disable_committers_approval: {
    event: 'project_merge_requests_disable_committers_approval_updated',
    change: 'prevent merge request approval from committers',
    inverted: false,
  },
  reset_approvals_on_push: { event: 'project_reset_approvals_on_push_updated', change: 'require new approvals when new commits are added to an MR', inverted: false },
  disable_overriding_approvers_per_merge_request: {
    event: 'project_disable_overriding_approvers_per_merge_request_updated',
    change: 'prevent users from modifying MR approval rules in merge requests',
    inverted: false,
  },
  selective_code_owner_removals: { event: 'selective_code_owner_removals_updated', change: 'selective_code_owner_removals', inverted: false },
  require_password_to_approve: { event: 'require_reauthentication_to_approve_updated', change: 'require user password for approvals', inverted: false },
};

function projectEntity(project: SimProject): Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'> {
  return { entity_type: 'Project', entity_id: project.id, entity_path: project.path_with_namespace };
}

/** Store changed flags and audit each change; flags are in /approvals terms. */
function applyProjectFlags(ctx: SimContext, project: SimProject, changes: Partial<SimApprovalFlags>): void {
  for (const [flag, to] of Object.entries(changes) as [Flag, boolean][]) {
    const from = project.approvals[flag];
    if (from === to) continue;
    project.approvals[flag] = to;
    if (flag === 'require_password_to_approve') project.approvals.require_reauthentication_to_approve = to;
    const a = PROJECT_AUDIT[flag];
    const [f, t] = a.inverted ? [!from, !to] : [from, to];
    ctx.audit({
      ...projectEntity(project),
      event_name: a.event,
      target_id: project.id,
      target_type: 'Project',
      target_details: project.path_with_namespace,
      change: a.change,
      from: f,
      to: t,
      custom_message: `Changed ${a.change} from ${f} to ${t}`,
    });
  }
}

/**
 * The flags a project write may change. Locked author/committer/override flags are dropped silently
 * (`ee/lib/ee/api/merge_request_approvals.rb`, docs/gitlab-behaviour.md):
 * the caller lacks the permission, and GitLab still answers with success and the old values.
 */
function writableFlags(state: SimState, project: SimProject, wanted: Partial<SimApprovalFlags>): Partial<SimApprovalFlags> {
  const out: Partial<SimApprovalFlags> = {};
  for (const [flag, value] of Object.entries(wanted) as [Flag, boolean][]) {
    if (lockOf(state, project, flag)) continue;
    out[flag] = value;
  }
  return out;
}

/**
 * MergeRequest::ApprovalRemovalSettings: selective code-owner removals and reset-on-push are mutually exclusive; a
 * value not sent is the project's current one. POST /approvals renders it as a model error on `base` (400,
 * `render_validation_error!`); the settings PUT (MergeRequestApprovalSettings::UpdateService) as a plain 400
 * message worded in settings terms.
 */
function removalSettingsValid(project: SimProject, next: Partial<SimApprovalFlags>): boolean {
  const selective = next.selective_code_owner_removals ?? project.approvals.selective_code_owner_removals;
  const reset = next.reset_approvals_on_push ?? project.approvals.reset_approvals_on_push;
  return !(selective && reset);
}

function checkSelectiveRemovals(project: SimProject, next: Partial<SimApprovalFlags>): void {
  if (!removalSettingsValid(project, next)) {
    throw errors.validation({ base: ['selective_code_owner_removals can only be enabled when reset_approvals_on_push is disabled'] });
  }
}

// ---- /projects/:id/approvals --------------------------------------------------------------------------

const APPROVALS_PARAMS = [
  'approvals_before_merge',
  'disable_overriding_approvers_per_merge_request',
  'merge_requests_author_approval',
  'merge_requests_disable_committers_approval',
  'require_password_to_approve',
  'require_reauthentication_to_approve',
  'reset_approvals_on_push',
  'selective_code_owner_removals',
] as const;

function atLeastOne(req: RouteRequest, keys: readonly string[]): void {
  if (!keys.some((k) => hasParam(req, k))) throw errors.badParam(`${keys.join(', ')} are missing, at least one parameter must be provided`);
}

function postApprovals(req: RouteRequest, ctx: SimContext) {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  atLeastOne(req, APPROVALS_PARAMS);
  const wanted: Partial<SimApprovalFlags> = {};
  for (const flag of Object.keys(PROJECT_AUDIT) as Flag[]) {
    if (hasParam(req, flag)) wanted[flag] = parseBool(paramOf(req, flag), flag);
  }
  // The two password/re-auth names mirror each other on write (docs/gitlab-behaviour.md, Merge request approvals).
  if (hasParam(req, 'require_reauthentication_to_approve')) {
    wanted.require_password_to_approve = parseBool(paramOf(req, 'require_reauthentication_to_approve'), 'require_reauthentication_to_approve');
  }
  const changes = writableFlags(ctx.state, project, wanted);
  checkSelectiveRemovals(project, changes);
  if (hasParam(req, 'approvals_before_merge')) {
    const n = parseIntParam(paramOf(req, 'approvals_before_merge'), 'approvals_before_merge');
    if (n < 0) throw errors.validation({ approvals_before_merge: ['must be greater than or equal to 0'] });
    // Licence-gated request key (docs/gitlab-behaviour.md, Tier detection and packaging): dropped below Premium.
    if (isPremium(ctx.state, project)) project.approvals_before_merge = n;
  }
  applyProjectFlags(ctx, project, changes);
  return { status: 201, body: approvalsBody(ctx.state, project) };
}

// ---- approval rules -----------------------------------------------------------------------------------

function ruleBranches(state: SimState, project: SimProject, ids: number[]): GlProtectedBranch[] {
  const root = isPremium(state, project) ? topLevelGroup(state, project) : undefined;
  const out: GlProtectedBranch[] = [];
  for (const id of ids) {
    const own = project.protected_branches.find((b) => b.id === id);
    if (own) out.push(serializeProtectedBranch(state, own, { project }));
    const inherited = root?.protected_branches.find((b) => b.id === id);
    if (inherited) out.push(serializeProtectedBranch(state, inherited, { project, inherited: true }));
  }
  return out;
}

function isActiveUser(state: SimState, id: number): boolean {
  return state.users.find((u) => u.id === id)?.state === 'active';
}

function userBasic(state: SimState, id: number) {
  const u = state.users.find((x) => x.id === id);
  return u ? { id: u.id, username: u.username, name: u.name, state: u.state } : undefined;
}

export function serializeRule(state: SimState, project: SimProject, rule: SimApprovalRule): GlApprovalRule {
  const users = rule.user_ids.map((id) => userBasic(state, id)).filter((u) => u !== undefined);
  const groups = rule.group_ids
    .map((id) => state.groups.find((g) => g.id === id))
    .filter((g): g is SimGroup => g !== undefined)
    .map((g) => ({ id: g.id, name: g.name, path: g.path, full_path: g.full_path, full_name: g.full_name ?? g.name }));
  const groupMembers = rule.group_ids.flatMap((gid) => state.groups.find((g) => g.id === gid)?.members.map((m) => m.user_id) ?? []);
  const eligibleIds = [...new Set([...rule.user_ids, ...groupMembers])];
  // ApprovalRuleLike#approvers: users and group members, active ones only (filter_inactive_approvers).
  const active = (id: number) => isActiveUser(state, id);
  return {
    id: rule.id,
    name: rule.name,
    rule_type: rule.rule_type,
    report_type: rule.report_type,
    eligible_approvers: eligibleIds.filter(active).map((id) => userBasic(state, id)).filter((u) => u !== undefined),
    approvals_required: rule.approvals_required,
    users,
    groups,
    contains_hidden_groups: false,
    protected_branches: ruleBranches(state, project, rule.protected_branch_ids),
    applies_to_all_protected_branches: rule.applies_to_all_protected_branches,
  };
}

function findRule(project: SimProject, ref: string): SimApprovalRule {
  const rule = project.approval_rules.find((r) => String(r.id) === ref);
  if (!rule) throw errors.recordNotFound();
  return rule;
}

function idList(req: RouteRequest, key: string): number[] | undefined {
  const list = arrayParam(paramOf(req, key));
  return list?.map((v, i) => parseIntParam(v, `${key}[${i}]`));
}

/** user_ids plus usernames, resolved; undefined when neither was sent. */
function ruleUsers(req: RouteRequest, state: SimState): number[] | undefined {
  // The API declares `users` renamed to `user_ids` (`as:`); clients send either.
  const ids = idList(req, 'user_ids') ?? idList(req, 'users');
  const names = arrayParam(paramOf(req, 'usernames'))?.map(String);
  if (ids === undefined && names === undefined) return undefined;
  const fromNames = (names ?? []).map((n) => state.users.find((u) => u.username === n)?.id).filter((id): id is number => id !== undefined);
  return [...new Set([...(ids ?? []), ...fromNames])].filter((id) => state.users.some((u) => u.id === id));
}

/** Branch ids are looked up among the project's protected branches (group-level included); unknown ids vanish. */
function ruleBranchIds(req: RouteRequest, state: SimState, project: SimProject): number[] | undefined {
  const ids = idList(req, 'protected_branch_ids');
  if (ids === undefined) return undefined;
  const root = isPremium(state, project) ? topLevelGroup(state, project) : undefined;
  const known = new Set([...project.protected_branches, ...(root?.protected_branches ?? [])].map((b) => b.id));
  return [...new Set(ids)].filter((id) => known.has(id));
}

function approvalsRequired(req: RouteRequest): number {
  const n = parseIntParam(paramOf(req, 'approvals_required'), 'approvals_required');
  if (n < 0 || n > 100) throw errors.badParam('approvals_required does not have a valid value');
  return n;
}

const RULE_TYPES = ['regular', 'any_approver', 'report_approver'] as const;

function createRule(req: RouteRequest, ctx: SimContext) {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  const missing = ['name', 'approvals_required'].filter((k) => !hasParam(req, k) || paramOf(req, k) === '');
  if (missing.length > 0) throw errors.badParam(missing.map((k) => `${k} is missing`).join(', '));
  const name = String(paramOf(req, 'name'));
  const userIds = ruleUsers(req, ctx.state);
  const groupIds = idList(req, 'group_ids') ?? idList(req, 'groups');
  // ApprovalRules::CreateService#handle_any_approver_rule_creation: no user_ids and no group_ids makes the rule
  // any_approver (reverse_merge: a rule_type that was sent wins); `approvers_present?` looks at user_ids, group_ids
  // and usernames.
  const sent = (v: unknown[] | undefined) => (v ?? []).length > 0;
  const approversPresent =
    sent(idList(req, 'user_ids') ?? idList(req, 'users')) || sent(groupIds) || sent(arrayParam(paramOf(req, 'usernames')));
  const ruleType = hasParam(req, 'rule_type') ? String(paramOf(req, 'rule_type')) : approversPresent ? 'regular' : 'any_approver';
  if (!(RULE_TYPES as readonly string[]).includes(ruleType)) throw errors.badParam('rule_type does not have a valid value');
  if (project.approval_rules.some((r) => r.name === name)) throw errors.validation({ name: ['has already been taken'] });
  // A project has at most one catch-all rule.
  if (ruleType === 'any_approver' && project.approval_rules.some((r) => r.rule_type === 'any_approver')) {
    throw errors.validation({ rule_type: ['any-approver for the project already exists'] });
  }
  const appliesToAll = hasParam(req, 'applies_to_all_protected_branches')
    ? parseBool(paramOf(req, 'applies_to_all_protected_branches'), 'applies_to_all_protected_branches')
    : false;
  const rule: SimApprovalRule = {
    id: nextId(ctx.state),
    name,
    rule_type: ruleType as SimApprovalRule['rule_type'],
    report_type: hasParam(req, 'report_type') ? String(paramOf(req, 'report_type')) : null,
    approvals_required: approvalsRequired(req),
    user_ids: userIds ?? [],
    group_ids: (groupIds ?? []).filter((id) => ctx.state.groups.some((g) => g.id === id)),
    // applies_to_all_protected_branches: true ignores branch ids (docs/gitlab-behaviour.md, Merge request approvals).
    protected_branch_ids: appliesToAll ? [] : (ruleBranchIds(req, ctx.state, project) ?? []),
    applies_to_all_protected_branches: appliesToAll,
  };
  project.approval_rules.push(rule);
  ctx.audit({
    ...projectEntity(project),
    event_name: 'approval_rule_created',
    target_id: rule.id,
    target_type: 'ApprovalProjectRule',
    target_details: rule.name,
    custom_message: 'Added ApprovalProjectRule',
  });
  return { status: 201, body: serializeRule(ctx.state, project, rule) };
}

function updateRule(req: RouteRequest, ctx: SimContext) {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  const rule = findRule(project, req.params.approval_rule_id!);
  const name = hasParam(req, 'name') ? String(paramOf(req, 'name')) : rule.name;
  if (name !== rule.name && project.approval_rules.some((r) => r.id !== rule.id && r.name === name)) {
    throw errors.validation({ name: ['has already been taken'] });
  }
  const required = hasParam(req, 'approvals_required') ? approvalsRequired(req) : rule.approvals_required;
  // Quirk: the PUT param declares `default: false` and Grape writes defaults into params, so omitting it
  // resets the flag (docs/gitlab-behaviour.md, Merge request approvals, 17.x/18.x sources).
  const appliesToAll = hasParam(req, 'applies_to_all_protected_branches')
    ? parseBool(paramOf(req, 'applies_to_all_protected_branches'), 'applies_to_all_protected_branches')
    : false;
  const users = ruleUsers(req, ctx.state);
  const groups = idList(req, 'group_ids') ?? idList(req, 'groups');
  const branchIds = appliesToAll ? undefined : ruleBranchIds(req, ctx.state, project);

  const oldRequired = rule.approvals_required;
  rule.name = name;
  rule.approvals_required = required;
  rule.applies_to_all_protected_branches = appliesToAll;
  // Lists that are sent replace the old ones (users/groups not re-sent are removed); lists not sent stay.
  if (users !== undefined) rule.user_ids = users;
  if (groups !== undefined) rule.group_ids = groups.filter((id) => ctx.state.groups.some((g) => g.id === id));
  if (branchIds !== undefined) rule.protected_branch_ids = branchIds;
  if (oldRequired !== required) {
    ctx.audit({
      ...projectEntity(project),
      event_name: 'update_approval_rules',
      target_id: rule.id,
      target_type: 'ApprovalProjectRule',
      target_details: rule.name,
      change: 'number of required approvals',
      from: oldRequired,
      to: required,
      custom_message: `Changed number of required approvals from ${oldRequired} to ${required}`,
    });
  }
  return { status: 200, body: serializeRule(ctx.state, project, rule) };
}

function deleteRule(req: RouteRequest, ctx: SimContext) {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  const rule = findRule(project, req.params.approval_rule_id!);
  project.approval_rules.splice(project.approval_rules.indexOf(rule), 1);
  ctx.audit({
    ...projectEntity(project),
    event_name: 'approval_rule_deleted',
    target_id: rule.id,
    target_type: 'ApprovalProjectRule',
    target_details: rule.name,
    custom_message: 'Deleted approval rule',
  });
  return { status: 204 };
}

// ---- merge_request_approval_setting -------------------------------------------------------------------

/** Settings-API names and their /approvals twins; three are inverted (docs/gitlab-behaviour.md, Merge request approvals). */
const SETTINGS: readonly { key: string; flag: Flag; inverted: boolean }[] = [
  { key: 'allow_author_approval', flag: 'merge_requests_author_approval', inverted: false },
  { key: 'allow_committer_approval', flag: 'merge_requests_disable_committers_approval', inverted: true },
  { key: 'allow_overrides_to_approver_list_per_merge_request', flag: 'disable_overriding_approvers_per_merge_request', inverted: true },
  { key: 'retain_approvals_on_push', flag: 'reset_approvals_on_push', inverted: true },
  { key: 'selective_code_owner_removals', flag: 'selective_code_owner_removals', inverted: false },
  { key: 'require_password_to_approve', flag: 'require_password_to_approve', inverted: false },
  { key: 'require_reauthentication_to_approve', flag: 'require_password_to_approve', inverted: false },
];
const SETTING_KEYS = SETTINGS.map((s) => s.key);

function setting(value: boolean, lock: Lock | undefined): GlLockedSetting {
  return { value, locked: lock !== undefined, inherited_from: lock?.from ?? null };
}

function projectSettingsBody(state: SimState, project: SimProject): Record<string, GlLockedSetting> {
  const out: Record<string, GlLockedSetting> = {};
  for (const s of SETTINGS) {
    const lock = lockOf(state, project, s.flag);
    const v = effectiveFlag(state, project, s.flag);
    out[s.key] = setting(s.inverted ? !v : v, lock);
  }
  return out;
}

/** Group endpoint: only instance locks show (`inherited_from: "instance"`); "group" appears on projects only. */
function groupSettingsBody(state: SimState, group: SimGroup): Record<string, GlLockedSetting> {
  const inst = instanceLocks(state);
  const out: Record<string, GlLockedSetting> = {};
  for (const s of SETTINGS) {
    const locked = inst[s.flag];
    // The group model has no selective_code_owner_removals column and always answers false.
    const raw = s.flag === 'selective_code_owner_removals' ? false : (locked ?? group.approval_settings[s.flag]);
    out[s.key] = setting(s.inverted ? !raw : raw, locked === undefined ? undefined : { value: locked, from: 'instance' });
  }
  return out;
}

/** Plain booleans in settings terms -> /approvals-terms flags. */
function settingsWanted(req: RouteRequest): Partial<SimApprovalFlags> {
  atLeastOne(req, SETTING_KEYS);
  const wanted: Partial<SimApprovalFlags> = {};
  for (const s of SETTINGS) {
    if (!hasParam(req, s.key)) continue;
    const v = parseBool(paramOf(req, s.key), s.key);
    wanted[s.flag] = s.inverted ? !v : v;
  }
  return wanted;
}

/** Group auditor: columns are `allow_*`/`retain_*` and the phrases say "prevent"/"require", so from/to invert. */
const GROUP_AUDIT: Partial<Record<Flag, { event: string; change: string; inverted: boolean }>> = {
  merge_requests_author_approval: { event: 'allow_author_approval_updated', change: 'prevent merge request approval from authors', inverted: true },
  merge_requests_disable_committers_approval: {
    event: 'allow_committer_approval_updated',
    change: 'prevent merge request approval from committers',
    inverted: false,
  },
  disable_overriding_approvers_per_merge_request: {
    event: 'allow_overrides_to_approver_list_per_merge_request_updated',
    change: 'prevent users from modifying MR approval rules in merge requests',
    inverted: false,
  },
  reset_approvals_on_push: { event: 'retain_approvals_on_push_updated', change: 'require new approvals when new commits are added to an MR', inverted: false },
  require_password_to_approve: { event: 'require_password_to_approve_updated', change: 'require user password for approvals', inverted: false },
};

function putGroupSettings(req: RouteRequest, ctx: SimContext) {
  const group = requireGroup(ctx, req.params.id!, Role.Owner);
  const wanted = settingsWanted(req);
  const inst = instanceLocks(ctx.state);
  for (const [flag, to] of Object.entries(wanted) as [Flag, boolean][]) {
    const audit = GROUP_AUDIT[flag];
    // Instance-locked keys and the column-less selective flag are not written.
    if (!audit || inst[flag] !== undefined) continue;
    const from = group.approval_settings[flag];
    if (from === to) continue;
    group.approval_settings[flag] = to;
    // Values here are in /approvals terms, whose polarity matches the "prevent …"/"require …" phrases
    // except for author approval.
    const [f, t] = audit.inverted ? [!from, !to] : [from, to];
    ctx.audit({
      entity_type: 'Group',
      entity_id: group.id,
      entity_path: group.full_path,
      event_name: audit.event,
      target_id: group.id,
      target_type: 'Group',
      target_details: group.full_path,
      change: audit.change,
      from: f,
      to: t,
      custom_message: `Changed ${audit.change} from ${f} to ${t}`,
    });
  }
  return { status: 200, body: groupSettingsBody(ctx.state, group) };
}

function putProjectSettings(req: RouteRequest, ctx: SimContext) {
  const project = requireProject(ctx, req.params.id!, Role.Maintainer);
  const changes = writableFlags(ctx.state, project, settingsWanted(req));
  if (!removalSettingsValid(project, changes)) {
    throw new SimHttpError(400, { message: 'selective_code_owner_removals can only be enabled when retain_approvals_on_push is enabled' });
  }
  applyProjectFlags(ctx, project, changes);
  return { status: 200, body: projectSettingsBody(ctx.state, project) };
}

// ---- routes -------------------------------------------------------------------------------------------

const R = '/projects/:id/approval_rules';
const premiumEe = { ee: true, minTier: 'premium' } as const;

export const routes: Route[] = [
  // /approvals is an EE route (404 on CE); the brief's licence gate applies to rules and settings.
  {
    method: 'GET',
    pattern: '/projects/:id/approvals',
    ee: true,
    handler: (req, ctx) => ({ status: 200, body: approvalsBody(ctx.state, requireProject(ctx, req.params.id!)) }),
  },
  { method: 'POST', pattern: '/projects/:id/approvals', ee: true, handler: postApprovals },

  {
    method: 'GET',
    pattern: R,
    ...premiumEe,
    handler: (req, ctx) => {
      const project = requireProject(ctx, req.params.id!);
      return paginate(req, project.approval_rules.map((r) => serializeRule(ctx.state, project, r)));
    },
  },
  {
    method: 'GET',
    pattern: `${R}/:approval_rule_id`,
    ...premiumEe,
    handler: (req, ctx) => {
      const project = requireProject(ctx, req.params.id!);
      return { status: 200, body: serializeRule(ctx.state, project, findRule(project, req.params.approval_rule_id!)) };
    },
  },
  { method: 'POST', pattern: R, ...premiumEe, handler: createRule },
  { method: 'PUT', pattern: `${R}/:approval_rule_id`, ...premiumEe, handler: updateRule },
  { method: 'DELETE', pattern: `${R}/:approval_rule_id`, ...premiumEe, handler: deleteRule },

  {
    method: 'GET',
    pattern: '/groups/:id/merge_request_approval_setting',
    ...premiumEe,
    handler: (req, ctx) => ({ status: 200, body: groupSettingsBody(ctx.state, requireGroup(ctx, req.params.id!, Role.Owner)) }),
  },
  { method: 'PUT', pattern: '/groups/:id/merge_request_approval_setting', ...premiumEe, handler: putGroupSettings },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_request_approval_setting',
    ...premiumEe,
    handler: (req, ctx) => ({
      status: 200,
      body: projectSettingsBody(ctx.state, requireProject(ctx, req.params.id!, Role.Maintainer)),
    }),
  },
  { method: 'PUT', pattern: '/projects/:id/merge_request_approval_setting', ...premiumEe, handler: putProjectSettings },
];
