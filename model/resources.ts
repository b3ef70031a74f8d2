// Inputs and outputs of the Pulumi dynamic resources (docs/pulumi.md, "Resources"). Inputs use GitLab's
// field names and declare only the hardened settings a baseline names: a field left out is not managed, so the
// resource never touches it. Outputs are the live values read from GitLab (plus the ids that locate the object),
// never the GitLab token and never a CI variable's value. Types only: this file is loaded by the program, the
// provider runtime and the CrossGuard pack alike.
import type { Visibility } from '../gitlab/types';

/** Bump when the provider's behaviour changes: a changed `version` input makes `pulumi up` rewrite each resource's state. */
export const PROVIDER_VERSION = '2';

/** The `gitlab` module name gives the stable type tokens `pulumi-nodejs:dynamic/gitlab:<Type>`. */
export const RESOURCE_MODULE = 'gitlab';
export const RESOURCE_TYPES = [
  'GroupSecurity',
  'ProjectSecurity',
  'ProtectedBranch',
  'ApprovalRule',
  'Webhook',
  'VariableProtection',
  'PushRule',
  'DeployKey',
  'InstanceSettings',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export function typeToken(type: ResourceType): string {
  return `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${type}`;
}

interface Versioned {
  /** PROVIDER_VERSION when the resource was last written (see docs/pulumi.md, "Upgrading"). */
  version?: string;
}

export interface GroupSecurityInputs extends Versioned {
  /** Full path of the group. */
  group: string;
  require_two_factor_authentication?: boolean;
  /** Longest allowed grace period (hours): a shorter live value is stricter, not drift. */
  two_factor_grace_period?: number;
  /** Most open allowed visibility: a more private live value is not drift. */
  visibility?: Visibility;
  /** Top-level Ultimate groups only: largest allowed limit (1..); a lower non-zero live value is stricter. */
  unique_project_download_limit?: number;
  unique_project_download_limit_interval_in_seconds?: number;
  auto_ban_user_on_excessive_projects_download?: boolean;
  /** Top-level groups, Premium: projects cannot be forked outside the group (ee/lib/ee/api/groups.rb). */
  prevent_forking_outside_group?: boolean;
  /** Most open allowed creation level (noone < administrator < owner < maintainer < developer). */
  project_creation_level?: string;
  /** Most open allowed subgroup creation level (owner < maintainer). */
  subgroup_creation_level?: string;
  /** Branch protection new projects start with; the push and merge levels are minimums, force push must be off. */
  default_branch_protection_defaults?: {
    allowed_to_push: { access_level: number }[];
    allowed_to_merge: { access_level: number }[];
    allow_force_push: boolean;
    developer_can_initial_push?: boolean;
  };
}

export interface ProjectSecurityInputs extends Versioned {
  /** Full path of the project. */
  project: string;
  visibility?: Visibility;
  public_jobs?: boolean;
  /** Job token inbound allowlist enforced (GET/PATCH /projects/:id/job_token_scope, docs/gitlab-behaviour.md, CI/CD). */
  ci_inbound_job_token_scope_enabled?: boolean;
  // Approval settings (Premium, POST /projects/:id/approvals, docs/gitlab-behaviour.md, Merge request approvals).
  merge_requests_author_approval?: boolean;
  merge_requests_disable_committers_approval?: boolean;
  reset_approvals_on_push?: boolean;
  disable_overriding_approvers_per_merge_request?: boolean;
  /** Most open allowed forking_access_level (disabled < private < enabled). */
  forking_access_level?: 'disabled' | 'private' | 'enabled';
  only_allow_merge_if_pipeline_succeeds?: boolean;
  only_allow_merge_if_all_discussions_are_resolved?: boolean;
}

export interface ProtectedBranchInputs extends Versioned {
  project: string;
  /** Branch name or wildcard pattern (`release/*`). */
  name: string;
  /** Lowest role allowed to push: 40 Maintainer, 30 Developer, 0 No one. Left out: not managed (a waiver). */
  push_access_level?: number;
  merge_access_level?: number;
  allow_force_push?: boolean;
  /** Premium. */
  code_owner_approval_required?: boolean;
}

export interface ApprovalRuleInputs extends Versioned {
  project: string;
  /** Minimum approvals for merge requests to the default branch (the strongest covering rule counts). */
  approvals_required: number;
}

export interface WebhookInputs extends Versioned {
  /** Exactly one of group / project: the owner's full path. */
  group?: string;
  project?: string;
  /** The hook's URL; may carry a secret (chat webhooks), so the program passes it as a Pulumi secret. */
  url: string;
  enable_ssl_verification?: boolean;
  /**
   * A declared hook that no longer exists is an error: GitLab never returns a hook's secret token, so it cannot be
   * recreated as it was. `true` creates it anyway, without a secret token (docs/pulumi.md, "Deleted hooks").
   */
  recreateWithoutToken?: boolean;
}

export interface VariableProtectionInputs extends Versioned {
  group?: string;
  project?: string;
  key: string;
  environment_scope?: string;
  masked?: boolean;
  protected?: boolean;
}

/**
 * A project's or group's push rule (Premium; ee/lib/api/project_push_rule.rb, ee/lib/api/group_push_rule.rb). Each
 * declared check must be on; a check left out is not managed. Without a push rule GitLab gets one created (POST)
 * with the declared checks on and GitLab's defaults (all off) for the others.
 */
export interface PushRuleInputs extends Versioned {
  /** Exactly one of group / project: the owner's full path. */
  group?: string;
  project?: string;
  reject_unsigned_commits?: boolean;
  prevent_secrets?: boolean;
  member_check?: boolean;
  commit_committer_check?: boolean;
}

/**
 * One deploy key of a project (lib/api/deploy_keys.rb): its write access to that project is turned off in place
 * (PUT /projects/:id/deploy_keys/:key_id can_push=false, Maintainer). The key itself is never deleted or created.
 */
export interface DeployKeyInputs extends Versioned {
  /** Full path of the project the key is enabled on. */
  project: string;
  /** The deploy key's id (`id` in GET /projects/:id/deploy_keys). */
  key_id: number;
  /** Only `false` is meaningful: the key may not push to this project. */
  can_push?: boolean;
}

/**
 * The instance's application settings that the instance.* rules own (GET/PUT /application/settings, administrator
 * token; lib/api/settings.rb, lib/api/entities/application_setting.rb). Each input is a GitLab field name and is
 * judged by its rule: a stricter live value is not drift. A setting left out is not managed.
 */
export interface InstanceSettingsInputs extends Versioned {
  /** instance.two-factor-required: `true`. */
  require_two_factor_authentication?: boolean;
  /** instance.two-factor-grace-period: the longest allowed grace period (hours). */
  two_factor_grace_period?: number;
  /** instance.git-abuse-download-limit (Ultimate): the largest allowed limit and interval, declared together. */
  max_number_of_repository_downloads?: number;
  max_number_of_repository_downloads_within_time_period?: number;
  auto_ban_user_on_excessive_projects_download?: boolean;
  /** instance.signup: `false`; administrator approval or an allowed e-mail domain also passes. */
  signup_enabled?: boolean;
  /** instance.email-confirmation: the weakest allowed confirmation (soft < hard). */
  email_confirmation_setting?: 'soft' | 'hard';
  /** instance.git-password-auth: `false`. */
  password_authentication_enabled_for_git?: boolean;
  /** instance.rate-limits: the four `true`, declared together (the web one is the column throttle_unauthenticated_enabled). */
  throttle_authenticated_api_enabled?: boolean;
  throttle_authenticated_web_enabled?: boolean;
  throttle_unauthenticated_api_enabled?: boolean;
  throttle_unauthenticated_web_enabled?: boolean;
  /** instance.default-branch-protection: as on GroupSecurity (minimum levels, no force push). */
  default_branch_protection_defaults?: GroupSecurityInputs['default_branch_protection_defaults'];
  /** instance.restricted-public: `['public']`, which must be among the restricted levels (others are not managed). */
  restricted_visibility_levels?: Visibility[];
  /** instance.default-visibility: `internal`, the most open allowed default (anything but public). */
  default_project_visibility?: Visibility;
  default_group_visibility?: Visibility;
  /** instance.local-requests: both `false`, declared together. */
  allow_local_requests_from_web_hooks_and_services?: boolean;
  allow_local_requests_from_system_hooks?: boolean;
  /** instance.pat-lifetime (EE, Ultimate): the longest allowed maximum lifetime (days). */
  max_personal_access_token_lifetime?: number;
  /** instance.admin-mode: `true`. */
  admin_mode?: boolean;
  /** instance.runner-registration-token: `false`. */
  allow_runner_registration_token?: boolean;
}

export interface InputsOf {
  GroupSecurity: GroupSecurityInputs;
  ProjectSecurity: ProjectSecurityInputs;
  ProtectedBranch: ProtectedBranchInputs;
  ApprovalRule: ApprovalRuleInputs;
  Webhook: WebhookInputs;
  VariableProtection: VariableProtectionInputs;
  PushRule: PushRuleInputs;
  DeployKey: DeployKeyInputs;
  InstanceSettings: InstanceSettingsInputs;
}

export type AnyInputs = InputsOf[ResourceType];

/** What create/read/update return: the inputs' identity, the live values of the managed fields, and ids. */
export type Outputs = Record<string, unknown> & { version?: string };
