// GitLab REST v4 entity shapes, with GitLab's own snake_case field names (GitLab's Grape entities, `lib/api/entities/`, `ee/lib/ee/api/entities/`).
// Optional keys are the ones GitLab omits below a tier or role: absent is not false (docs/gitlab-behaviour.md, Tier detection and packaging).

export type Tier = 'free' | 'premium' | 'ultimate';
export const TIERS: readonly Tier[] = ['free', 'premium', 'ultimate'];
export type Visibility = 'private' | 'internal' | 'public';
export const VISIBILITIES: readonly Visibility[] = ['private', 'internal', 'public'];

export interface GlVersion {
  version: string;
  revision: string;
}

export interface GlMetadata extends GlVersion {
  kas?: { enabled: boolean; externalUrl: string | null; version: string | null };
  enterprise?: boolean;
}

export interface GlBranchProtectionDefaults {
  allowed_to_push?: { access_level: number }[];
  allowed_to_merge?: { access_level: number }[];
  allow_force_push?: boolean;
  developer_can_initial_push?: boolean;
  code_owner_approval_required?: boolean;
}

/** GET /groups/:id (docs/gitlab-behaviour.md, Group settings / Git abuse rate limits). */
export interface GlGroup {
  id: number;
  name: string;
  path: string;
  full_path: string;
  full_name?: string;
  parent_id: number | null;
  visibility: Visibility;
  web_url?: string;
  require_two_factor_authentication: boolean;
  two_factor_grace_period: number;
  share_with_group_lock?: boolean;
  membership_lock?: boolean;
  prevent_forking_outside_group?: boolean;
  /** Present only on top-level groups. */
  prevent_sharing_groups_outside_hierarchy?: boolean;
  /** noone | owner | maintainer | developer | administrator (Gitlab::Access.project_creation_string_values). */
  project_creation_level: string | null;
  /** owner | maintainer (Gitlab::Access.subgroup_creation_string_values). */
  subgroup_creation_level: string | null;
  default_branch_protection: number;
  default_branch_protection_defaults?: GlBranchProtectionDefaults;
  // Git abuse rate limit: Ultimate, top-level groups, group admins only; absent otherwise.
  unique_project_download_limit?: number;
  unique_project_download_limit_interval_in_seconds?: number;
  unique_project_download_limit_allowlist?: string[];
  unique_project_download_limit_alertlist?: number[];
  auto_ban_user_on_excessive_projects_download?: boolean;
  created_at?: string;
}

/** GET /projects/:id and the group project listing (docs/gitlab-behaviour.md, Visibility). */
export interface GlProject {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  namespace: { id: number; name?: string; path?: string; kind: 'group' | 'user'; full_path: string; parent_id?: number | null };
  /** Absent without read_code (BasicProjectDetails `if:`). */
  default_branch?: string | null;
  visibility: Visibility;
  archived: boolean;
  /** `public_builds` is the deprecated write alias; reads are `public_jobs` only. */
  public_jobs: boolean;
  web_url?: string;
  only_allow_merge_if_pipeline_succeeds?: boolean;
  allow_merge_on_skipped_pipeline?: boolean | null;
  only_allow_merge_if_all_discussions_are_resolved?: boolean;
  // Role-gated (Maintainer+): absent for lower roles.
  restrict_user_defined_variables?: boolean;
  ci_pipeline_variables_minimum_override_role?: string;
  ci_job_token_scope_enabled?: boolean;
  /** Licence-gated (Premium), deprecated. */
  approvals_before_merge?: number;
  builds_access_level?: string;
  /** `disabled` | `private` (members only) | `enabled` (lib/api/entities/project.rb, project_feature). */
  forking_access_level?: 'disabled' | 'private' | 'enabled';
  created_at?: string;
  last_activity_at?: string;
  /** Present when the project is marked for deletion. */
  marked_for_deletion_on?: string | null;
}

export interface GlAccessLevelEntry {
  id: number;
  access_level: number | null;
  access_level_description: string;
  /** EE build keys (docs/gitlab-behaviour.md, Protected branches); absent on CE. */
  user_id?: number | null;
  group_id?: number | null;
  deploy_key_id?: number | null;
}

export interface GlProtectedBranch {
  id: number;
  name: string;
  allow_force_push: boolean;
  code_owner_approval_required?: boolean;
  inherited?: boolean;
  push_access_levels: GlAccessLevelEntry[];
  merge_access_levels: GlAccessLevelEntry[];
  unprotect_access_levels: GlAccessLevelEntry[];
}

/** GET /projects/:id/approvals (Premium, docs/gitlab-behaviour.md, Merge request approvals). */
export interface GlProjectApprovals {
  approvers: unknown[];
  approver_groups: unknown[];
  approvals_before_merge?: number;
  reset_approvals_on_push: boolean;
  selective_code_owner_removals: boolean;
  disable_overriding_approvers_per_merge_request: boolean;
  merge_requests_author_approval: boolean;
  merge_requests_disable_committers_approval: boolean;
  require_password_to_approve: boolean;
  require_reauthentication_to_approve?: boolean;
}

export interface GlApprovalRule {
  id: number;
  name: string;
  rule_type: 'regular' | 'any_approver' | 'report_approver' | 'code_owner';
  report_type?: string | null;
  eligible_approvers: { id: number; username: string }[];
  approvals_required: number;
  users: { id: number; username: string }[];
  groups: { id: number; full_path: string }[];
  contains_hidden_groups: boolean;
  /** Only with multiple_approval_rules (Premium; ee/lib/api/entities/project_approval_rule.rb `if:`). */
  protected_branches?: GlProtectedBranch[];
  applies_to_all_protected_branches: boolean;
}

export interface GlLockedSetting {
  value: boolean;
  locked: boolean;
  inherited_from?: null | 'group' | 'instance';
}

/** GET /groups/:id|/projects/:id /merge_request_approval_setting (docs/gitlab-behaviour.md, Merge request approvals). */
export interface GlMrApprovalSetting {
  allow_author_approval: GlLockedSetting;
  allow_committer_approval: GlLockedSetting;
  allow_overrides_to_approver_list_per_merge_request: GlLockedSetting;
  retain_approvals_on_push: GlLockedSetting;
  selective_code_owner_removals: GlLockedSetting;
  require_password_to_approve: GlLockedSetting;
  require_reauthentication_to_approve?: GlLockedSetting;
}

/** Project or group webhook (docs/gitlab-behaviour.md, Webhooks). `token` is write-only and never read. */
export interface GlHook {
  id: number;
  url: string;
  name?: string;
  description?: string;
  created_at: string;
  project_id?: number;
  group_id?: number;
  enable_ssl_verification: boolean;
  alert_status?: 'executable' | 'temporarily_disabled' | 'disabled';
  disabled_until?: string | null;
  url_variables?: { key: string }[];
  custom_headers?: { key: string }[];
  push_events?: boolean;
  tag_push_events?: boolean;
  merge_requests_events?: boolean;
  issues_events?: boolean;
  note_events?: boolean;
  pipeline_events?: boolean;
  job_events?: boolean;
  [event: `${string}_events`]: boolean | undefined;
}

/** CI/CD variable (docs/gitlab-behaviour.md, CI/CD). `value` is null for hidden variables; we never keep values. */
export interface GlVariable {
  key: string;
  value?: string | null;
  variable_type: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  hidden?: boolean;
  raw: boolean;
  environment_scope: string;
  description?: string | null;
}

/** GET /projects/:id/job_token_scope (docs/gitlab-behaviour.md, CI/CD). */
export interface GlJobTokenScope {
  inbound_enabled: boolean;
  outbound_enabled: boolean;
}

/** GET /application/settings, the keys we read (docs/gitlab-behaviour.md, Instance settings). */
export interface GlApplicationSettings {
  require_two_factor_authentication: boolean;
  two_factor_grace_period: number;
  require_admin_two_factor_authentication?: boolean;
  default_project_visibility: Visibility;
  default_group_visibility: Visibility;
  restricted_visibility_levels: Visibility[] | null;
  default_branch_protection_defaults?: GlBranchProtectionDefaults;
  prevent_merge_requests_author_approval?: boolean;
  prevent_merge_requests_committers_approval?: boolean;
  disable_overriding_approvers_per_merge_request?: boolean;
  // Git abuse (Ultimate).
  max_number_of_repository_downloads?: number;
  max_number_of_repository_downloads_within_time_period?: number;
  git_rate_limit_users_allowlist?: string[];
  git_rate_limit_users_alertlist?: number[];
  auto_ban_user_on_excessive_projects_download?: boolean;
  // Sign-up, sign-in and abuse limits (app/helpers/application_settings_helper.rb visible_attributes).
  signup_enabled?: boolean;
  require_admin_approval_after_user_signup?: boolean;
  domain_allowlist?: string[] | null;
  /** off | soft | hard (ApplicationSetting enum email_confirmation_setting). */
  email_confirmation_setting?: 'off' | 'soft' | 'hard';
  password_authentication_enabled_for_git?: boolean;
  throttle_authenticated_api_enabled?: boolean;
  throttle_authenticated_web_enabled?: boolean;
  throttle_unauthenticated_api_enabled?: boolean;
  /** The column throttle_unauthenticated_enabled, also exposed under this name (lib/api/entities/application_setting.rb). */
  throttle_unauthenticated_web_enabled?: boolean;
  throttle_unauthenticated_enabled?: boolean;
  allow_local_requests_from_web_hooks_and_services?: boolean;
  allow_local_requests_from_system_hooks?: boolean;
  /** EE build only (ee/app/helpers/ee/application_settings_helper.rb); days, null = no limit; enforced with Ultimate. */
  max_personal_access_token_lifetime?: number | null;
  admin_mode?: boolean;
  allow_runner_registration_token?: boolean;
  [key: string]: unknown;
}

/**
 * GET /projects/:id/push_rule and /groups/:id/push_rule (Premium; ee/lib/api/project_push_rule.rb,
 * ee/lib/api/entities/group_push_rule.rb). The project endpoint answers `null` when the project has none, the group
 * endpoint 404. commit_committer_check and reject_unsigned_commits are absent where their licence feature is not.
 */
export interface GlPushRule {
  id: number;
  project_id?: number;
  created_at?: string;
  commit_message_regex?: string | null;
  commit_message_negative_regex?: string | null;
  branch_name_regex?: string | null;
  author_email_regex?: string | null;
  file_name_regex?: string | null;
  /** A nullable column; member_check and prevent_secrets are NOT NULL. */
  deny_delete_tag: boolean | null;
  member_check: boolean;
  prevent_secrets: boolean;
  max_file_size?: number;
  commit_committer_check?: boolean | null;
  commit_committer_name_check?: boolean | null;
  reject_unsigned_commits?: boolean | null;
  reject_non_dco_commits?: boolean;
}

/** GET /groups/:id/members and /projects/:id/members (direct members; lib/api/entities/member.rb). */
export interface GlMember {
  id: number;
  username: string;
  name: string;
  state: string;
  access_level: number;
  created_at?: string;
  expires_at?: string | null;
  /** Joined from GET /users (admin only, UserWithAdmin): absent without an administrator token. */
  two_factor_enabled?: boolean;
  external?: boolean;
}

/** GET /projects/:id/deploy_keys (lib/api/entities/deploy_keys_project.rb): `can_push` is write access. */
export interface GlDeployKey {
  id: number;
  title: string;
  created_at?: string;
  expires_at?: string | null;
  can_push: boolean;
  fingerprint?: string;
}

/** GET /users?admins=true as an administrator (UserWithAdmin): the fields the stale-admin rule reads. */
export interface GlAdminUser {
  id: number;
  username: string;
  name: string;
  state: string;
  is_admin: boolean;
  created_at?: string;
  last_sign_in_at?: string | null;
  last_activity_on?: string | null;
  bot?: boolean;
}

/** Audit event as the REST API returns it (docs/gitlab-behaviour.md, Audit events). */
export interface GlAuditEvent {
  id: number;
  author_id: number;
  entity_id: number;
  /** `User`, `Group`, `Project` or `Gitlab::Audit::InstanceScope` for the events the tool reads; the instance list can hold others. */
  entity_type: string;
  created_at: string;
  event_name?: string | null;
  details: {
    event_name?: string;
    author_name?: string;
    author_email?: string;
    target_id?: number | string;
    target_type?: string;
    target_details?: string;
    ip_address?: string;
    entity_path?: string;
    custom_message?: string;
    change?: string;
    from?: unknown;
    to?: unknown;
    add?: string;
    remove?: string;
    [key: string]: unknown;
  };
}
