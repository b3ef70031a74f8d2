// Instance application settings (docs/gitlab-behaviour.md, Instance settings): administrator token only, self-managed and Dedicated.
// Same semantics as the group rules of the area, with the instance's field names.
import { applicationSetting } from './audit';
import { defineRule, type FindingDraft, type InstanceSubject } from './rule';
import { gitAbuseFixValue, judgeGitAbuse } from './git-abuse';
import { branchProtectionDefaultsFor, judgeBranchProtectionDefaults } from './groups';
import { SCENARIOS } from './scenarios';
import { monthsBefore } from './time';

const SETTINGS_PATH = '/application/settings';

export const instanceTwoFactorRequired = defineRule({
  id: 'instance.two-factor-required',
  area: 'two-factor',
  title: 'The instance requires two-factor authentication',
  description: 'Instance-wide 2FA covers every user, including those outside the checked groups and administrators.',
  severity: 'critical',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance' || s.settings.require_two_factor_authentication) return [];
    return [
      {
        setting: 'require_two_factor_authentication',
        expected: true,
        actual: s.settings.require_two_factor_authentication,
        message: 'The instance does not require two-factor authentication',
      },
    ];
  },
  fix: () => ({ method: 'PUT', path: SETTINGS_PATH, body: { require_two_factor_authentication: true } }),
});

export const instanceTwoFactorGracePeriod = defineRule({
  id: 'instance.two-factor-grace-period',
  area: 'two-factor',
  title: 'The instance two-factor grace period is short',
  description: 'During the grace period users may sign in without a second factor; a long one delays instance-wide 2FA.',
  severity: 'medium',
  params: ['max_grace_period'],
  audit: applicationSetting('integer'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s, params) => {
    if (s.kind !== 'instance' || s.settings.two_factor_grace_period <= params.max_grace_period) return [];
    return [
      {
        setting: 'two_factor_grace_period',
        expected: params.max_grace_period,
        actual: s.settings.two_factor_grace_period,
        message: `The instance allows a two-factor grace period of ${s.settings.two_factor_grace_period} hours; the baseline allows at most ${params.max_grace_period}`,
      },
    ];
  },
  fix: (_f, params) => ({ method: 'PUT', path: SETTINGS_PATH, body: { two_factor_grace_period: params.max_grace_period } }),
});

export const INSTANCE_FIELDS = {
  limit: 'max_number_of_repository_downloads',
  interval: 'max_number_of_repository_downloads_within_time_period',
  autoBan: 'auto_ban_user_on_excessive_projects_download',
} as const;

export const instanceGitAbuseDownloadLimit = defineRule({
  id: 'instance.git-abuse-download-limit',
  area: 'git-abuse',
  title: 'The instance limits bulk repository downloads',
  description:
    'The instance-wide Git abuse limit notices and bans any user who downloads many unique projects in a short time, wherever they are.',
  severity: 'medium',
  params: ['max_download_limit', 'max_interval_seconds', 'auto_ban'],
  audit: applicationSetting(),
  scope: ['instance'],
  minTier: 'ultimate',
  scenario: SCENARIOS.hardening,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s, params) => {
    if (s.kind !== 'instance') return [];
    const limit = s.settings.max_number_of_repository_downloads;
    const interval = s.settings.max_number_of_repository_downloads_within_time_period;
    const autoBan = s.settings.auto_ban_user_on_excessive_projects_download;
    // Licence-gated keys: absent below Ultimate (docs/gitlab-behaviour.md, Tier detection and packaging).
    if (limit === undefined || interval === undefined || autoBan === undefined) {
      return { skip: 'Git abuse settings not returned by GET /application/settings (needs Ultimate)' };
    }
    return judgeGitAbuse({ limit, interval, autoBan }, params, INSTANCE_FIELDS, 'the instance');
  },
  fix: (f, params) => ({ method: 'PUT', path: SETTINGS_PATH, body: { [f.setting]: gitAbuseFixValue(f.setting, params) } }),
});

// ---- Sign-up, sign-in, abuse limits and outbound requests (app/helpers/application_settings_helper.rb
// visible_attributes; lib/api/entities/application_setting.rb). Each is one key of GET /application/settings.

type Settings = InstanceSubject['settings'];

function flag(
  s: Settings,
  key: keyof Settings & string,
  want: boolean,
  message: string,
): FindingDraft[] | { skip: string } {
  const v = s[key];
  if (v === undefined) return { skip: `${key} not returned by GET /application/settings` };
  return v === want ? [] : [{ setting: key, expected: want, actual: v, message }];
}

const put = (body: Record<string, unknown>) => ({ method: 'PUT' as const, path: SETTINGS_PATH, body });

export const instanceSignup = defineRule({
  id: 'instance.signup',
  area: 'instance',
  title: 'Sign-up is off or restricted',
  description:
    'With open sign-up anyone who reaches the instance gets an account and sees every internal project. Turn sign-up off, or require administrator approval or an allowed e-mail domain.',
  severity: 'high',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedInstance,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance') return [];
    const { signup_enabled, require_admin_approval_after_user_signup, domain_allowlist } = s.settings;
    if (signup_enabled === undefined) return { skip: 'signup_enabled not returned by GET /application/settings' };
    if (!signup_enabled || require_admin_approval_after_user_signup === true || (domain_allowlist ?? []).length > 0) return [];
    return [{ setting: 'signup_enabled', expected: false, actual: true, message: 'Anyone can sign up on the instance: no administrator approval and no allowed e-mail domains' }];
  },
  // Turning sign-up off is the restriction GitLab can write without choosing domains for the user.
  fix: () => put({ signup_enabled: false }),
});

const CONFIRMATION_RANK = { off: 0, soft: 1, hard: 2 } as const;

export const instanceEmailConfirmation = defineRule({
  id: 'instance.email-confirmation',
  area: 'instance',
  title: 'New users must confirm their e-mail address',
  description:
    'Without confirmation a new account can claim a colleague\'s or a partner\'s address, and with it the trust (and group membership rules) tied to that domain.',
  severity: 'medium',
  params: ['min_email_confirmation'],
  audit: applicationSetting(),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s, params) => {
    if (s.kind !== 'instance') return [];
    const v = s.settings.email_confirmation_setting;
    if (v === undefined) return { skip: 'email_confirmation_setting not returned by GET /application/settings (GitLab before 15.9)' };
    if (CONFIRMATION_RANK[v] >= CONFIRMATION_RANK[params.min_email_confirmation]) return [];
    return [
      {
        setting: 'email_confirmation_setting',
        expected: params.min_email_confirmation,
        actual: v,
        message: `E-mail confirmation on sign-up is ${v}; the baseline requires ${params.min_email_confirmation}`,
      },
    ];
  },
  fix: (_f, params) => put({ email_confirmation_setting: params.min_email_confirmation }),
});

export const instanceGitPasswordAuth = defineRule({
  id: 'instance.git-password-auth',
  area: 'instance',
  title: 'Git over HTTP(S) does not accept passwords',
  description:
    'A password accepted by git over HTTP(S) skips two-factor authentication: a phished password clones every repository. Tokens are required instead.',
  severity: 'medium',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) =>
    s.kind === 'instance'
      ? flag(s.settings, 'password_authentication_enabled_for_git', false, 'Git over HTTP(S) accepts account passwords (password_authentication_enabled_for_git)')
      : [],
  fix: () => put({ password_authentication_enabled_for_git: false }),
});

const RATE_LIMITS = [
  ['throttle_authenticated_api_enabled', 'authenticated API'],
  ['throttle_authenticated_web_enabled', 'authenticated web'],
  ['throttle_unauthenticated_api_enabled', 'unauthenticated API'],
  ['throttle_unauthenticated_web_enabled', 'unauthenticated web'],
] as const;

export const instanceRateLimits = defineRule({
  id: 'instance.rate-limits',
  area: 'instance',
  title: 'User and IP rate limits are on',
  description:
    'Rate limits slow credential stuffing, token brute force and bulk scraping with a stolen token; without them one client can read the instance as fast as it answers.',
  severity: 'low',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedInstance,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance') return [];
    const out: FindingDraft[] = [];
    for (const [key, what] of RATE_LIMITS) {
      // The unauthenticated web limit is the column throttle_unauthenticated_enabled, also exposed under the web name.
      const v = key === 'throttle_unauthenticated_web_enabled' ? (s.settings[key] ?? s.settings.throttle_unauthenticated_enabled) : s.settings[key];
      if (v === undefined) return { skip: `${key} not returned by GET /application/settings` };
      if (!v) out.push({ setting: key, expected: true, actual: false, message: `The ${what} request rate limit is off` });
    }
    return out;
  },
  // Turns the limit on with GitLab's stored per-period values (defaults 7200 / 3600 per hour).
  fix: (f) => put({ [f.setting]: true }),
});

export const instanceDefaultBranchProtection = defineRule({
  id: 'instance.default-branch-protection',
  area: 'groups',
  title: 'New projects on the instance start with a protected default branch',
  description:
    'The instance default branch protection applies to every group and personal project that sets none of its own; a weak one leaves new repositories open to direct and force pushes.',
  severity: 'medium',
  params: ['default_branch_push_access_level', 'default_branch_merge_access_level'],
  audit: { unavailable: 'the finding names one key inside default_branch_protection_defaults, which the event reports as a whole' },
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s, params) => {
    if (s.kind !== 'instance') return [];
    const d = s.settings.default_branch_protection_defaults;
    if (d === undefined) return { skip: 'default_branch_protection_defaults not returned by GET /application/settings (GitLab before 17.0)' };
    return judgeBranchProtectionDefaults(d, params, 'the instance');
  },
  fix: (_f, params) => put({ default_branch_protection_defaults: branchProtectionDefaultsFor(params) }),
});

export const instanceRestrictedPublic = defineRule({
  id: 'instance.restricted-public',
  area: 'instance',
  title: 'Only administrators can make things public',
  description:
    'With `public` in restricted_visibility_levels only administrators can create public projects, groups and snippets, so one mistaken click cannot publish code to the internet.',
  severity: 'high',
  params: [],
  audit: applicationSetting(),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.credentialExposure,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance') return [];
    const levels = s.settings.restricted_visibility_levels ?? [];
    if (levels.includes('public')) return [];
    return [
      {
        setting: 'restricted_visibility_levels',
        expected: [...levels, 'public'],
        actual: levels,
        message: 'Any user can create public projects and groups (public is not a restricted visibility level)',
      },
    ];
  },
  fix: (f) => put({ restricted_visibility_levels: Array.isArray(f.expected) ? f.expected : ['public'] }),
});

export const instanceDefaultVisibility = defineRule({
  id: 'instance.default-visibility',
  area: 'instance',
  title: 'New projects and groups are not public by default',
  description: 'A public default publishes every project or group whose creator does not change the pre-selected visibility.',
  severity: 'high',
  params: [],
  audit: applicationSetting(),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.credentialExposure,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance') return [];
    const out: FindingDraft[] = [];
    for (const key of ['default_project_visibility', 'default_group_visibility'] as const) {
      if (s.settings[key] === 'public') {
        out.push({ setting: key, expected: 'private', actual: 'public', message: `New ${key.includes('project') ? 'projects' : 'groups'} are public by default (${key})` });
      }
    }
    return out;
  },
  fix: (f) => put({ [f.setting]: 'private' }),
});

export const instanceLocalRequests = defineRule({
  id: 'instance.local-requests',
  area: 'instance',
  title: 'Webhooks and integrations cannot reach the local network',
  description:
    "A webhook or integration URL on the local network turns GitLab into a proxy into the internal network (SSRF), including GitLab's own API and cloud metadata endpoints.",
  severity: 'high',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedInstance,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => {
    if (s.kind !== 'instance') return [];
    const out: FindingDraft[] = [];
    for (const [key, what] of [
      ['allow_local_requests_from_web_hooks_and_services', 'webhooks and integrations'],
      ['allow_local_requests_from_system_hooks', 'system hooks'],
    ] as const) {
      const v = s.settings[key];
      if (v === undefined) return { skip: `${key} not returned by GET /application/settings` };
      if (v) out.push({ setting: key, expected: false, actual: true, message: `Requests to the local network are allowed from ${what} (${key})` });
    }
    return out;
  },
  fix: (f) => put({ [f.setting]: false }),
});

export const instancePatLifetime = defineRule({
  id: 'instance.pat-lifetime',
  area: 'instance',
  title: 'Personal access tokens have a short maximum lifetime',
  description:
    'A leaked long-lived token works until it expires; the instance maximum lifetime caps every personal, group and project access token.',
  severity: 'medium',
  params: ['max_pat_lifetime_days'],
  audit: applicationSetting('integer'),
  scope: ['instance'],
  minTier: 'ultimate',
  scenario: SCENARIOS.credentialExposure,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s, params) => {
    if (s.kind !== 'instance') return [];
    if (!('max_personal_access_token_lifetime' in s.settings)) {
      return { skip: 'max_personal_access_token_lifetime not returned by GET /application/settings (EE only)' };
    }
    const v = s.settings.max_personal_access_token_lifetime ?? null;
    if (v !== null && v <= params.max_pat_lifetime_days) return [];
    return [
      {
        setting: 'max_personal_access_token_lifetime',
        expected: params.max_pat_lifetime_days,
        actual: v,
        message:
          v === null
            ? `Personal access tokens have no instance maximum lifetime; the baseline allows at most ${params.max_pat_lifetime_days} days`
            : `Personal access tokens may live ${v} days; the baseline allows at most ${params.max_pat_lifetime_days}`,
      },
    ];
  },
  fix: (_f, params) => put({ max_personal_access_token_lifetime: params.max_pat_lifetime_days }),
});

export const instanceAdminMode = defineRule({
  id: 'instance.admin-mode',
  area: 'instance',
  title: 'Admin mode is on',
  description:
    'With admin mode an administrator re-authenticates before using admin rights, and an admin token needs the admin_mode scope, so a stolen session or ordinary token is not an admin one.',
  severity: 'medium',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedInstance,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) => (s.kind === 'instance' ? flag(s.settings, 'admin_mode', true, 'Admin mode is off: administrator sessions and tokens use admin rights without re-authentication') : []),
  fix: () => put({ admin_mode: true }),
});

export const instanceRunnerRegistrationToken = defineRule({
  id: 'instance.runner-registration-token',
  area: 'instance',
  title: 'Runners cannot register with registration tokens',
  description:
    'Registration tokens are shared secrets that register runners, which then receive jobs and their secrets; GitLab replaced them with runner authentication tokens created by an authenticated user.',
  severity: 'medium',
  params: [],
  audit: applicationSetting('boolean'),
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedInstance,
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) =>
    s.kind === 'instance'
      ? flag(s.settings, 'allow_runner_registration_token', false, 'Runners can register with registration tokens (allow_runner_registration_token)')
      : [],
  fix: () => put({ allow_runner_registration_token: false }),
});

export const instanceStaleAdmins = defineRule({
  id: 'instance.stale-admins',
  area: 'instance',
  title: 'No stale administrator accounts',
  description:
    'An administrator who has not been active for months is an unwatched account with every right on the instance; demote or block it.',
  severity: 'medium',
  params: ['stale_admin_months'],
  audit: { unavailable: 'inactivity is the absence of events: there is no change to explain' },
  scope: ['instance'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { instance: ['settings', 'admins'] },
  evaluate: (s, params, ctx) => {
    if (s.kind !== 'instance') return [];
    const cutoff = monthsBefore(ctx.now, params.stale_admin_months);
    const out: FindingDraft[] = [];
    for (const u of s.admins) {
      if (!u.is_admin || u.state !== 'active' || u.bot) continue;
      // last_activity_on is a date; last_sign_in_at a time. The newer of the two, else the account's creation.
      const activity = [u.last_activity_on, u.last_sign_in_at].map((x) => Date.parse(x ?? '')).filter((x) => !Number.isNaN(x));
      const lastSeen = activity.length > 0 ? Math.max(...activity) : Date.parse(u.created_at ?? '');
      if (Number.isNaN(lastSeen) || lastSeen >= cutoff.getTime()) continue;
      out.push({
        setting: 'is_admin',
        object: u.username,
        expected: false,
        actual: true,
        message: `Administrator ${u.username} has not been active since ${new Date(lastSeen).toISOString().slice(0, 10)} (more than ${params.stale_admin_months} months)`,
      });
    }
    return out;
  },
  // Demoting or blocking a person is a decision for people, not drift to revert.
  fix: (f) => ({ manual: `Demote (PUT /users/:id admin=false) or block administrator ${f.object ?? ''} after checking with them.` }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [
  instanceTwoFactorRequired,
  instanceTwoFactorGracePeriod,
  instanceGitAbuseDownloadLimit,
  instanceSignup,
  instanceEmailConfirmation,
  instanceGitPasswordAuth,
  instanceRateLimits,
  instanceDefaultBranchProtection,
  instanceRestrictedPublic,
  instanceDefaultVisibility,
  instanceLocalRequests,
  instancePatLifetime,
  instanceAdminMode,
  instanceRunnerRegistrationToken,
  instanceStaleAdmins,
] as const;
