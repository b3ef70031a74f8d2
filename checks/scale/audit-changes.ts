// What an audit event means for `check --since-last`: which reads of its group or project may have changed.
// The table follows GitLab's auditors (docs/gitlab-behaviour.md, "Audit events"). An event not in it re-reads its target fully: an
// unknown event is never taken to be harmless.
import type { GlAuditEvent } from '../../gitlab/types';
import type { GroupRead, ProjectRead } from '../../policies/rule';

export type Effect =
  /** Known to change nothing a rule reads (downloads, logins, tokens). */
  | { kind: 'none' }
  /** These reads of the entity itself. */
  | { kind: 'reads'; project?: ProjectRead[]; group?: GroupRead[] }
  /** A group setting that projects below it inherit: re-read these reads of every project under the group. */
  | { kind: 'cascade'; group: GroupRead[]; projects: ProjectRead[] }
  /** The entity went away (or may have): re-read it, drop it when it is gone. */
  | { kind: 'gone' }
  /** Not in the table: re-read the target fully. */
  | { kind: 'unknown' };

const project = (...reads: ProjectRead[]): Effect => ({ kind: 'reads', project: reads });
const group = (...reads: GroupRead[]): Effect => ({ kind: 'reads', group: reads });

const APPROVAL_FLAGS = project('approvals', 'mrApprovalSetting');
// Deleting a protected branch also removes it from approval rules (docs/gitlab-behaviour.md, "Merge request approvals").
const BRANCHES = project('protectedBranches', 'approvalRules');
const GROUP_APPROVALS: Effect = { kind: 'cascade', group: ['mrApprovalSetting'], projects: ['approvals', 'mrApprovalSetting'] };
// Group-level protected branches show up in every project's list as inherited (Premium).
const GROUP_BRANCHES: Effect = { kind: 'cascade', group: [], projects: ['protectedBranches', 'approvalRules'] };

/**
 * Project reads whose setting GitLab does not audit on every path that changes it: the job token inbound scope
 * changed through REST (`PATCH /projects/:id/job_token_scope` -> `Projects::UpdateService`) logs nothing; only
 * the GraphQL mutation (`Mutations::Ci::ProjectCiCdSettingsUpdate`) does. `--since-last` reads them on every run.
 */
export const UNAUDITED_PROJECT_READS: readonly ProjectRead[] = ['jobTokenScope'];

const PROJECT_EVENTS: Record<string, Effect> = {
  project_visibility_level_updated: project('project'),
  project_name_updated: project('project'),
  project_path_updated: project('project'),
  // A transfer (Audit::ProjectChangesAuditor, namespace_id): inherited group settings may all differ now.
  project_namespace_updated: { kind: 'unknown' },
  project_default_branch_updated: project('project', 'protectedBranches', 'approvalRules'),
  project_only_allow_merge_if_pipeline_succeeds_updated: project('project'),
  project_only_allow_merge_if_all_discussions_are_resolved_updated: project('project'),
  allow_merge_on_skipped_pipeline_updated: project('project'),
  protected_branch_created: BRANCHES,
  protected_branch_updated: BRANCHES,
  protected_branch_removed: BRANCHES,
  protected_branch_allow_force_push_updated: BRANCHES,
  protected_branch_code_owner_approval_required_updated: BRANCHES,
  project_merge_requests_author_approval_updated: APPROVAL_FLAGS,
  project_merge_requests_disable_committers_approval_updated: APPROVAL_FLAGS,
  project_disable_overriding_approvers_per_merge_request_updated: APPROVAL_FLAGS,
  project_reset_approvals_on_push_updated: APPROVAL_FLAGS,
  selective_code_owner_removals_updated: APPROVAL_FLAGS,
  require_reauthentication_to_approve_updated: APPROVAL_FLAGS,
  require_password_to_approve_updated: APPROVAL_FLAGS,
  approval_rule_created: project('approvalRules'),
  update_approval_rules: project('approvalRules'),
  approval_rule_deleted: project('approvalRules'),
  webhook_created: project('hooks'),
  webhook_destroyed: project('hooks'),
  ci_variable_created: project('variables'),
  ci_variable_updated: project('variables'),
  ci_variable_deleted: project('variables'),
  secure_ci_job_token_inbound_enabled: project('jobTokenScope'),
  secure_ci_job_token_inbound_disabled: project('jobTokenScope'),
  secure_ci_job_token_project_added: project('jobTokenScope'),
  secure_ci_job_token_project_removed: project('jobTokenScope'),
  secure_ci_job_token_group_added: project('jobTokenScope'),
  secure_ci_job_token_group_removed: project('jobTokenScope'),
  // Audit::ProjectFeatureChangesAuditor; forking_access_level is on the project entity.
  project_feature_forking_access_level_updated: project('project'),
  project_destroyed: { kind: 'gone' },
  project_deletion_marked: { kind: 'gone' },
  project_restored: { kind: 'unknown' },
};

const GROUP_EVENTS: Record<string, Effect> = {
  // The group entity itself is listed again on every incremental run (descendant_groups, GET of the top group).
  group_require_two_factor_authentication_updated: group('group'),
  group_two_factor_grace_period_updated: group('group'),
  group_visibility_level_updated: group('group'),
  group_name_updated: group('group'),
  group_path_updated: group('group'),
  group_membership_lock_updated: group('group'),
  group_project_creation_level_updated: group('group'),
  ip_restrictions_changed: group('group'),
  webhook_created: group('hooks'),
  webhook_destroyed: group('hooks'),
  ci_group_variable_created: group('variables'),
  ci_group_variable_updated: group('variables'),
  ci_group_variable_deleted: group('variables'),
  allow_author_approval_updated: GROUP_APPROVALS,
  allow_committer_approval_updated: GROUP_APPROVALS,
  allow_overrides_to_approver_list_per_merge_request_updated: GROUP_APPROVALS,
  retain_approvals_on_push_updated: GROUP_APPROVALS,
  require_password_to_approve_updated: GROUP_APPROVALS,
  require_reauthentication_to_approve_updated: GROUP_APPROVALS,
  protected_branch_created: GROUP_BRANCHES,
  protected_branch_updated: GROUP_BRANCHES,
  protected_branch_removed: GROUP_BRANCHES,
  protected_branch_allow_force_push_updated: GROUP_BRANCHES,
  protected_branch_code_owner_approval_required_updated: GROUP_BRANCHES,
  // Audit::PushRules::GroupPushRulesChangesAuditor EVENT_TYPE_PER_ATTR (the columns push-rules.* read).
  group_push_rules_reject_unsigned_commits_updated: group('pushRule'),
  group_push_rules_prevent_secrets_updated: group('pushRule'),
  group_push_rules_reject_member_check_updated: group('pushRule'),
  group_push_rules_commit_committer_check_updated: group('pushRule'),
  group_destroyed: { kind: 'gone' },
  group_deletion_marked: { kind: 'gone' },
};

/** Events about who did what, not about settings a rule reads. */
const HARMLESS = new Set([
  'repository_download_operation',
  'repository_git_operation',
  'public_repository_download_operation',
  'merge_request_create',
  'merge_request_approval_operation',
  'personal_access_token_created',
  'personal_access_token_revoked',
  'project_access_token_created',
  'project_access_token_deleted',
  'group_access_token_created',
  'group_access_token_deleted',
  'login_failed_with_otp_authentication',
  'user_disable_two_factor',
]);

export function eventName(e: GlAuditEvent): string {
  return e.event_name ?? e.details.event_name ?? '';
}

export function effectOf(e: GlAuditEvent): Effect {
  const name = eventName(e);
  if (HARMLESS.has(name)) return { kind: 'none' };
  const table = e.entity_type === 'Project' ? PROJECT_EVENTS : e.entity_type === 'Group' ? GROUP_EVENTS : undefined;
  return table?.[name] ?? { kind: 'unknown' };
}

/**
 * Instance settings events that change what projects read (an instance lock on approval settings shows in every
 * project's effective values): the only safe answer is a full pass.
 */
export function forcesFullPass(e: GlAuditEvent): string | undefined {
  if (e.entity_type !== 'Gitlab::Audit::InstanceScope' || eventName(e) !== 'application_setting_updated') return undefined;
  const change = String(e.details.change ?? '');
  if (/approv|branch_protection|visibility/i.test(change)) {
    return `instance setting ${change} changed (audit event ${e.id}): it may change every project's effective settings`;
  }
  return undefined;
}
