// GitLab REST v4 entity shapes, with GitLab's own snake_case field names (../shared/gitlab-api.md).
// Optional keys are the ones GitLab omits below a tier or role: absent is not false (gitlab-api.md §2, quirk 3).

export type Tier = 'free' | 'premium' | 'ultimate';
export const TIERS: readonly Tier[] = ['free', 'premium', 'ultimate'];
export type Visibility = 'private' | 'internal' | 'public';
export const VISIBILITIES: readonly Visibility[] = ['private', 'internal', 'public'];

/** Access levels (gitlab-api.md §3.4). */
export const AccessLevel = { NoOne: 0, Developer: 30, Maintainer: 40, Owner: 50, Admin: 60 } as const;

export interface GlVersion {
  version: string;
  revision: string;
}

export interface GlMetadata extends GlVersion {
  kas?: { enabled: boolean; externalUrl: string | null; version: string | null };
  enterprise?: boolean;
}

export interface GlNamespace {
  id: number;
  name: string;
  path: string;
  kind: 'group' | 'user';
  full_path: string;
  parent_id: number | null;
  /** Only for owners/admins of a top-level group; `default` on self-managed (gitlab-api.md §2). */
  plan?: string;
  trial?: boolean;
  trial_ends_on?: string | null;
}

export interface GlUser {
  id: number;
  username: string;
  name: string;
  state: 'active' | 'blocked' | 'deactivated';
  is_admin?: boolean;
}

export interface GlPersonalAccessTokenSelf {
  id: number;
  name: string;
  description: string | null;
  scopes: string[];
  active: boolean;
  revoked: boolean;
  expires_at: string | null;
  last_used_at: string | null;
  user_id: number;
  created_at: string;
}

export interface GlBranchProtectionDefaults {
  allowed_to_push?: { access_level: number }[];
  allowed_to_merge?: { access_level: number }[];
  allow_force_push?: boolean;
  developer_can_initial_push?: boolean;
  code_owner_approval_required?: boolean;
}

/** GET /groups/:id (gitlab-api.md §3.1, §3.10). */
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
  project_creation_level?: string;
  default_branch_protection?: number;
  default_branch_protection_defaults?: GlBranchProtectionDefaults;
  // Git abuse rate limit: Ultimate, top-level groups, group admins only; absent otherwise.
  unique_project_download_limit?: number;
  unique_project_download_limit_interval_in_seconds?: number;
  unique_project_download_limit_allowlist?: string[];
  unique_project_download_limit_alertlist?: number[];
  auto_ban_user_on_excessive_projects_download?: boolean;
  created_at?: string;
}

/** GET /projects/:id and the group project listing (gitlab-api.md §3.3). */
export interface GlProject {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  namespace: { id: number; name?: string; path?: string; kind: 'group' | 'user'; full_path: string; parent_id?: number | null };
  default_branch: string | null;
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
  created_at?: string;
  last_activity_at?: string;
  /** Present when the project is marked for deletion. */
  marked_for_deletion_on?: string | null;
}

export interface GlAccessLevelEntry {
  id: number;
  access_level: number | null;
  access_level_description: string;
  /** EE build keys (gitlab-api.md §3.4); absent on CE. */
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

/** GET /projects/:id/approvals (Premium, gitlab-api.md §3.6). */
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
  protected_branches: GlProtectedBranch[];
  applies_to_all_protected_branches: boolean;
}

export interface GlLockedSetting {
  value: boolean;
  locked: boolean;
  inherited_from: null | 'group' | 'instance';
}

/** GET /groups/:id|/projects/:id /merge_request_approval_setting (gitlab-api.md §3.6). */
export interface GlMrApprovalSetting {
  allow_author_approval: GlLockedSetting;
  allow_committer_approval: GlLockedSetting;
  allow_overrides_to_approver_list_per_merge_request: GlLockedSetting;
  retain_approvals_on_push: GlLockedSetting;
  selective_code_owner_removals: GlLockedSetting;
  require_password_to_approve: GlLockedSetting;
  require_reauthentication_to_approve?: GlLockedSetting;
}

/** Project or group webhook (gitlab-api.md §3.7). `token` is write-only and never read. */
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

/** CI/CD variable (gitlab-api.md §3.8). `value` is null for hidden variables; we never keep values. */
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

/** GET /projects/:id/job_token_scope (gitlab-api.md §3.9). */
export interface GlJobTokenScope {
  inbound_enabled: boolean;
  outbound_enabled: boolean;
}

/** GET /application/settings, the keys we read (gitlab-api.md §3.2). */
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
  [key: string]: unknown;
}

/** Audit event as the REST API returns it (gitlab-api.md §4). */
export interface GlAuditEvent {
  id: number;
  author_id: number;
  entity_id: number;
  entity_type: 'User' | 'Group' | 'Project' | 'Gitlab::Audit::InstanceScope';
  created_at: string;
  event_name?: string;
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
