// Builders for rule tests: small subjects with GitLab-shaped defaults, the baseline params, and a finding
// as the evaluator would complete it (so a test can call `fix` on what `evaluate` returned).
import type { Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import type {
  GlAccessLevelEntry,
  GlApplicationSettings,
  GlApprovalRule,
  GlGroup,
  GlHook,
  GlLockedSetting,
  GlMrApprovalSetting,
  GlProject,
  GlProjectApprovals,
  GlProtectedBranch,
  GlVariable,
} from '../../gitlab/types';
import { areaParams, type Area, type AreaParams } from '../../policies/params';
import type { EvalContext, FindingDraft, GroupSubject, InstanceSubject, ProjectSubject, Rule, RuleOutcome } from '../../policies/rule';

export const ctx: EvalContext = { tier: 'ultimate', now: '2026-11-20T12:00:00Z', isAdmin: true };

export function params<A extends Area>(area: A, over: Partial<AreaParams<A>> = {}): AreaParams<A> {
  return (areaParams[area] as unknown as { parse: (v: unknown) => AreaParams<A> }).parse(over);
}

export const PROJECT_TARGET: TargetRef = { kind: 'project', path: 'acme/web', id: 12 };
export const GROUP_TARGET: TargetRef = { kind: 'group', path: 'acme', id: 100 };
export const INSTANCE_TARGET: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

export function glProject(over: Partial<GlProject> = {}): GlProject {
  return {
    id: 12,
    name: 'web',
    path: 'web',
    path_with_namespace: 'acme/web',
    namespace: { id: 100, kind: 'group', full_path: 'acme' },
    default_branch: 'main',
    visibility: 'private',
    archived: false,
    public_jobs: false,
    ...over,
  };
}

export function glGroup(over: Partial<GlGroup> = {}): GlGroup {
  return {
    id: 100,
    name: 'acme',
    path: 'acme',
    full_path: 'acme',
    parent_id: null,
    visibility: 'private',
    require_two_factor_authentication: true,
    two_factor_grace_period: 48,
    project_creation_level: 'maintainer',
    subgroup_creation_level: 'maintainer',
    default_branch_protection: 2,
    ...over,
  };
}

export function role(id: number, access_level: number): GlAccessLevelEntry {
  const d: Record<number, string> = { 0: 'No one', 30: 'Developers + Maintainers', 40: 'Maintainers', 60: 'Instance admins' };
  return { id, access_level, access_level_description: d[access_level] ?? String(access_level), user_id: null, group_id: null, deploy_key_id: null };
}
export function userEntry(id: number, user_id: number, name = 'Jane Doe'): GlAccessLevelEntry {
  return { id, access_level: null, access_level_description: name, user_id, group_id: null, deploy_key_id: null };
}
export function groupEntry(id: number, group_id: number, name = 'acme/ops'): GlAccessLevelEntry {
  return { id, access_level: null, access_level_description: name, user_id: null, group_id, deploy_key_id: null };
}
export function deployKeyEntry(id: number, deploy_key_id: number, title = 'CI deploy'): GlAccessLevelEntry {
  return { id, access_level: null, access_level_description: title, user_id: null, group_id: null, deploy_key_id };
}

export function branch(name: string, over: Partial<GlProtectedBranch> = {}): GlProtectedBranch {
  return {
    id: 1,
    name,
    allow_force_push: false,
    code_owner_approval_required: true,
    inherited: false,
    push_access_levels: [role(11, 40)],
    merge_access_levels: [role(21, 30)],
    unprotect_access_levels: [role(31, 40)],
    ...over,
  };
}

export function approvals(over: Partial<GlProjectApprovals> = {}): GlProjectApprovals {
  return {
    approvers: [],
    approver_groups: [],
    reset_approvals_on_push: true,
    selective_code_owner_removals: false,
    disable_overriding_approvers_per_merge_request: true,
    merge_requests_author_approval: false,
    merge_requests_disable_committers_approval: true,
    require_password_to_approve: false,
    ...over,
  };
}

export function approvalRule(over: Partial<GlApprovalRule> = {}): GlApprovalRule {
  return {
    id: 7,
    name: 'All members',
    rule_type: 'any_approver',
    eligible_approvers: [],
    approvals_required: 1,
    users: [],
    groups: [],
    contains_hidden_groups: false,
    protected_branches: [],
    applies_to_all_protected_branches: false,
    ...over,
  };
}

const open: GlLockedSetting = { value: true, locked: false, inherited_from: null };
export function approvalSetting(over: Partial<GlMrApprovalSetting> = {}): GlMrApprovalSetting {
  return {
    allow_author_approval: open,
    allow_committer_approval: open,
    allow_overrides_to_approver_list_per_merge_request: open,
    retain_approvals_on_push: open,
    selective_code_owner_removals: { ...open, value: false },
    require_password_to_approve: { ...open, value: false },
    ...over,
  };
}

export function hook(id: number, url: string, over: Partial<GlHook> = {}): GlHook {
  return { id, url, created_at: '2026-01-01T00:00:00Z', enable_ssl_verification: true, push_events: true, ...over };
}

export function variable(key: string, over: Partial<GlVariable> = {}): GlVariable {
  return { key, variable_type: 'env_var', protected: true, masked: true, hidden: false, raw: false, environment_scope: '*', ...over };
}

export function settings(over: Partial<GlApplicationSettings> = {}): GlApplicationSettings {
  return {
    require_two_factor_authentication: true,
    two_factor_grace_period: 48,
    default_project_visibility: 'private',
    default_group_visibility: 'private',
    restricted_visibility_levels: null,
    max_number_of_repository_downloads: 50,
    max_number_of_repository_downloads_within_time_period: 600,
    auto_ban_user_on_excessive_projects_download: true,
    ...over,
  };
}

export function project(over: Partial<Omit<ProjectSubject, 'kind'>> = {}): ProjectSubject {
  return {
    kind: 'project',
    target: PROJECT_TARGET,
    project: glProject(),
    protectedBranches: [branch('main')],
    approvals: approvals(),
    approvalRules: [approvalRule()],
    mrApprovalSetting: undefined as unknown as GlMrApprovalSetting,
    hooks: [],
    variables: [],
    jobTokenScope: { inbound_enabled: true, outbound_enabled: false },
    pushRule: null,
    members: [],
    deployKeys: [],
    ...over,
  };
}

export function group(over: Partial<Omit<GroupSubject, 'kind'>> = {}): GroupSubject {
  return {
    kind: 'group',
    target: GROUP_TARGET,
    topLevel: true,
    group: glGroup(),
    hooks: [],
    variables: [],
    mrApprovalSetting: approvalSetting(),
    pushRule: null,
    members: [],
    ancestors: [],
    ...over,
  };
}

export function instance(over: Partial<GlApplicationSettings> = {}): InstanceSubject {
  return { kind: 'instance', target: INSTANCE_TARGET, settings: settings(over), admins: [] };
}

/** The evaluator's completion of a draft (rule, area, severity, target…), enough to call `fix`. */
export function complete(rule: Rule, target: TargetRef, d: FindingDraft): Finding {
  return { rule: rule.id, area: rule.area, severity: rule.severity, target, revertible: true, waived: false, ...d };
}

export function drafts(outcome: RuleOutcome): FindingDraft[] {
  if (!Array.isArray(outcome)) throw new Error(`expected findings, got skip: ${outcome.skip}`);
  return outcome;
}
