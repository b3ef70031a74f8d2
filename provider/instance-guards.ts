// Which InstanceSettings inputs each instance.* rule guards (the `guards` a rule object carries for the other resource
// types, kept here while policies/instance.ts builds its rules from a table). judge.ts merges them into GUARDS, so the
// provider's diff and the CrossGuard pack treat them like any rule's own guards. `declared` turns the inputs into the
// rule's parameters; the rules themselves decide what is drift (a stricter live value never is).
// stale-admins has no guard: demoting an administrator is a decision about a person, not a setting.
import type { ResourceGuard } from '../policies/rule';
import type { InstanceSettingsInputs } from '../model/resources';
import { groupsDefaultBranchProtection } from '../policies/groups';

type Guard = ResourceGuard<InstanceSettingsInputs>;

/** A rule that wants these boolean inputs at `want`: guarded when every one is declared so. */
function flags(want: boolean, fields: (keyof InstanceSettingsInputs & string)[]): Guard {
  return { fields, declared: (i) => (fields.every((f) => i[f] === want) ? {} : null) };
}

const groupGuard = groupsDefaultBranchProtection.guards!.GroupSecurity!;

export const INSTANCE_GUARDS: Record<string, Guard | undefined> = {
  // The fix sends the grace period GitLab requires with 2FA, capped at the declared one when there is one.
  'instance.two-factor-required': {
    fields: ['require_two_factor_authentication'],
    declared: (i) =>
      i.require_two_factor_authentication === true ? (typeof i.two_factor_grace_period === 'number' ? { max_grace_period: i.two_factor_grace_period } : {}) : null,
  },
  'instance.two-factor-grace-period': {
    fields: ['two_factor_grace_period'],
    declared: (i) => (i.two_factor_grace_period !== undefined ? { max_grace_period: i.two_factor_grace_period } : null),
  },
  'instance.git-abuse-download-limit': {
    fields: ['max_number_of_repository_downloads', 'max_number_of_repository_downloads_within_time_period', 'auto_ban_user_on_excessive_projects_download'],
    declared: (i) =>
      i.max_number_of_repository_downloads !== undefined && i.max_number_of_repository_downloads_within_time_period !== undefined
        ? {
            max_download_limit: i.max_number_of_repository_downloads,
            max_interval_seconds: i.max_number_of_repository_downloads_within_time_period,
            auto_ban: i.auto_ban_user_on_excessive_projects_download === true,
          }
        : null,
  },
  'instance.signup': flags(false, ['signup_enabled']),
  'instance.email-confirmation': {
    fields: ['email_confirmation_setting'],
    declared: (i) => (i.email_confirmation_setting !== undefined ? { min_email_confirmation: i.email_confirmation_setting } : null),
  },
  'instance.git-password-auth': flags(false, ['password_authentication_enabled_for_git']),
  'instance.rate-limits': flags(true, ['throttle_authenticated_api_enabled', 'throttle_authenticated_web_enabled', 'throttle_unauthenticated_api_enabled', 'throttle_unauthenticated_web_enabled']),
  // The same hash and parameters as the group rule's (policies/groups.ts).
  'instance.default-branch-protection': {
    fields: ['default_branch_protection_defaults'],
    declared: (i) => groupGuard.declared({ group: '(instance)', ...(i.default_branch_protection_defaults ? { default_branch_protection_defaults: i.default_branch_protection_defaults } : {}) }),
  },
  'instance.restricted-public': {
    fields: ['restricted_visibility_levels'],
    declared: (i) => (i.restricted_visibility_levels?.includes('public') ? {} : null),
  },
  'instance.default-visibility': {
    fields: ['default_project_visibility', 'default_group_visibility'],
    declared: (i) => (i.default_project_visibility !== undefined || i.default_group_visibility !== undefined ? {} : null),
    // The rule judges both defaults; the resource manages the ones declared (runtime check declares both together).
  },
  'instance.local-requests': flags(false, ['allow_local_requests_from_web_hooks_and_services', 'allow_local_requests_from_system_hooks']),
  'instance.pat-lifetime': {
    fields: ['max_personal_access_token_lifetime'],
    declared: (i) => (i.max_personal_access_token_lifetime !== undefined ? { max_pat_lifetime_days: i.max_personal_access_token_lifetime } : null),
  },
  'instance.admin-mode': flags(true, ['admin_mode']),
  'instance.runner-registration-token': flags(false, ['allow_runner_registration_token']),
};
