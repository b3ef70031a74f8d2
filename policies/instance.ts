// Instance application settings (docs/gitlab-behaviour.md, Instance settings): administrator token only, self-managed and Dedicated.
// Same semantics as the group rules of the area, with the instance's field names. Every rule reads
// GET /application/settings (app/helpers/application_settings_helper.rb visible_attributes;
// lib/api/entities/application_setting.rb) and writes back with PUT /application/settings: `instanceRule` adds
// what they all share, `flagRule` builds the rules that only want boolean keys at one value.
import { applicationSetting } from './audit';
import { missingFixData } from './fix-data';
import { defineRule, type EvalContext, type FindingDraft, type InstanceRead, type InstanceSubject, type Rule, type RuleOutcome } from './rule';
import type { Area, AreaParams } from './params';
import { gitAbuseFixValue, judgeGitAbuse } from './git-abuse';
import { branchProtectionDefaultsFor, judgeBranchProtectionDefaults } from './groups';
import { SCENARIOS } from './scenarios';
import { monthsBefore } from './time';

const SETTINGS_PATH = '/application/settings';

type Settings = InstanceSubject['settings'];

const put = (body: Record<string, unknown>) => ({ method: 'PUT' as const, path: SETTINGS_PATH, body });

/** What an instance rule declares itself; instanceRule adds the instance scope, the admin token and the reads. */
type InstanceRuleSpec<A extends Area, Id extends string> = Omit<Rule<A>, 'id' | 'scope' | 'requiresAdmin' | 'needs' | 'minTier' | 'evaluate'> & {
  id: Id;
  /** Default free: most application settings exist in every edition. */
  minTier?: Rule<A>['minTier'];
  /** Reads beyond the settings. */
  needs?: InstanceRead[];
  /** Called for instance subjects only (any other subject has nothing to report). */
  evaluate: (s: InstanceSubject, params: AreaParams<A>, ctx: EvalContext) => RuleOutcome;
};

function instanceRule<A extends Area, const Id extends string>({ minTier = 'free', needs = ['settings'], evaluate, fix, ...spec }: InstanceRuleSpec<A, Id>): Rule<A> & { id: Id } {
  return defineRule<A, Id>({
    ...spec,
    scope: ['instance'],
    minTier,
    requiresAdmin: true,
    needs: { instance: needs },
    evaluate: (s, params, ctx) => (s.kind === 'instance' ? evaluate(s, params, ctx) : []),
    fix,
  });
}

/** One boolean key of a flag rule and the finding's message when it is not the wanted value. */
interface Flag {
  key: keyof Settings & string;
  message: string;
  /** Where the value is read from when not the key alone. */
  read?: (s: Settings) => unknown;
}

/**
 * A rule over boolean keys that must all be `want`. An absent key (an older GitLab, a CE build) skips the rule: it
 * cannot be judged. The fix writes `want` to the finding's key.
 */
function flagRule<A extends Area, const Id extends string>({
  want,
  flags,
  ...spec
}: Omit<InstanceRuleSpec<A, Id>, 'params' | 'audit' | 'evaluate' | 'fix'> & { want: boolean; flags: readonly Flag[] }): Rule<A> & { id: Id } {
  return instanceRule<A, Id>({
    ...spec,
    params: [],
    audit: applicationSetting('boolean'),
    evaluate: ({ settings }) => {
      const out: FindingDraft[] = [];
      for (const { key, message, read } of flags) {
        const v = read ? read(settings) : settings[key];
        if (v === undefined) return { skip: `${key} not returned by GET /application/settings` };
        if (v !== want) out.push({ setting: key, expected: want, actual: v, message });
      }
      return out;
    },
    fix: (f) => put({ [f.setting]: want }),
  });
}

/**
 * GitLab refuses to turn instance 2FA on without a grace period in the same request (lib/api/settings.rb:
 * `given require_two_factor_authentication: ->(val) { val } do requires :two_factor_grace_period`). The fix keeps
 * the live grace period, capped at the baseline's maximum so it never undoes instance.two-factor-grace-period's fix.
 */
export const instanceTwoFactorRequired = instanceRule({
  id: 'instance.two-factor-required',
  area: 'two-factor',
  title: 'The instance requires two-factor authentication',
  description: 'Instance-wide 2FA covers every user, including those outside the checked groups and administrators.',
  severity: 'critical',
  scenario: SCENARIOS.compromisedAccount,
  params: ['max_grace_period'],
  audit: applicationSetting('boolean'),
  evaluate: ({ settings: { require_two_factor_authentication: on, two_factor_grace_period: grace } }) =>
    on === true
      ? []
      : [
          {
            setting: 'require_two_factor_authentication',
            expected: true,
            actual: on,
            message: 'The instance does not require two-factor authentication',
            fixData: { two_factor_grace_period: grace },
          },
        ],
  fix: (f, params) => {
    const live = f.fixData?.two_factor_grace_period;
    if (typeof live !== 'number') return missingFixData(f, 'the live two_factor_grace_period GitLab requires in the same PUT');
    // A caller that declares no maximum (a Pulumi input without it) keeps the live period.
    const max = params.max_grace_period;
    const grace = typeof max === 'number' ? Math.min(live, max) : live;
    return {
      ...put({ require_two_factor_authentication: true, two_factor_grace_period: grace }),
      note: `GitLab needs the grace period in the same request: ${grace} h (the live value, at most the baseline's max_grace_period).`,
    };
  },
});

export const instanceTwoFactorGracePeriod = instanceRule({
  id: 'instance.two-factor-grace-period',
  area: 'two-factor',
  title: 'The instance two-factor grace period is short',
  description: 'During the grace period users may sign in without a second factor; a long one delays instance-wide 2FA.',
  severity: 'medium',
  params: ['max_grace_period'],
  audit: applicationSetting('integer'),
  scenario: SCENARIOS.compromisedAccount,
  evaluate: ({ settings: { two_factor_grace_period: v } }, params) =>
    v <= params.max_grace_period
      ? []
      : [
          {
            setting: 'two_factor_grace_period',
            expected: params.max_grace_period,
            actual: v,
            message: `The instance allows a two-factor grace period of ${v} hours; the baseline allows at most ${params.max_grace_period}`,
          },
        ],
  fix: (_f, params) => put({ two_factor_grace_period: params.max_grace_period }),
});

export const INSTANCE_FIELDS = {
  limit: 'max_number_of_repository_downloads',
  interval: 'max_number_of_repository_downloads_within_time_period',
  autoBan: 'auto_ban_user_on_excessive_projects_download',
} as const;

export const instanceGitAbuseDownloadLimit = instanceRule({
  id: 'instance.git-abuse-download-limit',
  area: 'git-abuse',
  title: 'The instance limits bulk repository downloads',
  description:
    'The instance-wide Git abuse limit notices and bans any user who downloads many unique projects in a short time, wherever they are.',
  severity: 'medium',
  params: ['max_download_limit', 'max_interval_seconds', 'auto_ban'],
  audit: applicationSetting(),
  minTier: 'ultimate',
  scenario: SCENARIOS.hardening,
  evaluate: ({ settings }, params) => {
    const limit = settings[INSTANCE_FIELDS.limit];
    const interval = settings[INSTANCE_FIELDS.interval];
    const autoBan = settings[INSTANCE_FIELDS.autoBan];
    // Licence-gated keys: absent below Ultimate (docs/gitlab-behaviour.md, Tier detection and packaging).
    if (limit === undefined || interval === undefined || autoBan === undefined) {
      return { skip: 'Git abuse settings not returned by GET /application/settings (needs Ultimate)' };
    }
    return judgeGitAbuse({ limit, interval, autoBan }, params, INSTANCE_FIELDS, 'the instance');
  },
  fix: (f, params) => put({ [f.setting]: gitAbuseFixValue(f.setting, params) }),
});

// ---- Sign-up, sign-in, abuse limits and outbound requests: each is one key of GET /application/settings.

export const instanceSignup = instanceRule({
  id: 'instance.signup',
  area: 'instance',
  title: 'Sign-up is off or restricted',
  description:
    'With open sign-up anyone who reaches the instance gets an account and sees every internal project. Turn sign-up off, or require administrator approval or an allowed e-mail domain.',
  severity: 'high',
  params: [],
  audit: applicationSetting('boolean'),
  scenario: SCENARIOS.compromisedInstance,
  evaluate: ({ settings }) => {
    const { signup_enabled, require_admin_approval_after_user_signup, domain_allowlist } = settings;
    if (signup_enabled === undefined) return { skip: 'signup_enabled not returned by GET /application/settings' };
    if (!signup_enabled || require_admin_approval_after_user_signup === true || (domain_allowlist ?? []).length > 0) return [];
    return [{ setting: 'signup_enabled', expected: false, actual: true, message: 'Anyone can sign up on the instance: no administrator approval and no allowed e-mail domains' }];
  },
  // Turning sign-up off is the restriction GitLab can write without choosing domains for the user.
  fix: () => put({ signup_enabled: false }),
});

const CONFIRMATION_RANK = { off: 0, soft: 1, hard: 2 } as const;

export const instanceEmailConfirmation = instanceRule({
  id: 'instance.email-confirmation',
  area: 'instance',
  title: 'New users must confirm their e-mail address',
  description:
    'Without confirmation a new account can claim a colleague\'s or a partner\'s address, and with it the trust (and group membership rules) tied to that domain.',
  severity: 'medium',
  params: ['min_email_confirmation'],
  audit: applicationSetting(),
  scenario: SCENARIOS.compromisedAccount,
  evaluate: ({ settings: { email_confirmation_setting: v } }, params) => {
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

export const instanceGitPasswordAuth = flagRule({
  id: 'instance.git-password-auth',
  area: 'instance',
  title: 'Git over HTTP(S) does not accept passwords',
  description:
    'A password accepted by git over HTTP(S) skips two-factor authentication: a phished password clones every repository. Tokens are required instead.',
  severity: 'medium',
  scenario: SCENARIOS.compromisedAccount,
  want: false,
  flags: [{ key: 'password_authentication_enabled_for_git', message: 'Git over HTTP(S) accepts account passwords (password_authentication_enabled_for_git)' }],
});

const rateLimit = (key: Flag['key'], what: string, read?: Flag['read']): Flag => ({ key, message: `The ${what} request rate limit is off`, ...(read ? { read } : {}) });

export const instanceRateLimits = flagRule({
  id: 'instance.rate-limits',
  area: 'instance',
  title: 'User and IP rate limits are on',
  description:
    'Rate limits slow credential stuffing, token brute force and bulk scraping with a stolen token; without them one client can read the instance as fast as it answers.',
  severity: 'low',
  scenario: SCENARIOS.compromisedInstance,
  // The fix turns the limit on with GitLab's stored per-period values (defaults 7200 / 3600 per hour).
  want: true,
  flags: [
    rateLimit('throttle_authenticated_api_enabled', 'authenticated API'),
    rateLimit('throttle_authenticated_web_enabled', 'authenticated web'),
    rateLimit('throttle_unauthenticated_api_enabled', 'unauthenticated API'),
    // The unauthenticated web limit is the column throttle_unauthenticated_enabled, also exposed under the web name.
    rateLimit('throttle_unauthenticated_web_enabled', 'unauthenticated web', (s) => s.throttle_unauthenticated_web_enabled ?? s.throttle_unauthenticated_enabled),
  ],
});

export const instanceDefaultBranchProtection = instanceRule({
  id: 'instance.default-branch-protection',
  area: 'groups',
  title: 'New projects on the instance start with a protected default branch',
  description:
    'The instance default branch protection applies to every group and personal project that sets none of its own; a weak one leaves new repositories open to direct and force pushes.',
  severity: 'medium',
  params: ['default_branch_push_access_level', 'default_branch_merge_access_level'],
  audit: { unavailable: 'the finding names one key inside default_branch_protection_defaults, which the event reports as a whole' },
  scenario: SCENARIOS.misconfiguredSettings,
  evaluate: ({ settings: { default_branch_protection_defaults: d } }, params) => {
    if (d === undefined) return { skip: 'default_branch_protection_defaults not returned by GET /application/settings (GitLab before 17.0)' };
    return judgeBranchProtectionDefaults(d, params, 'the instance');
  },
  fix: (_f, params) => put({ default_branch_protection_defaults: branchProtectionDefaultsFor(params) }),
});

export const instanceRestrictedPublic = instanceRule({
  id: 'instance.restricted-public',
  area: 'instance',
  title: 'Only administrators can make things public',
  description:
    'With `public` in restricted_visibility_levels only administrators can create public projects, groups and snippets, so one mistaken click cannot publish code to the internet.',
  severity: 'high',
  params: [],
  audit: applicationSetting(),
  scenario: SCENARIOS.credentialExposure,
  evaluate: ({ settings }) => {
    const levels = settings.restricted_visibility_levels ?? [];
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

export const instanceDefaultVisibility = instanceRule({
  id: 'instance.default-visibility',
  area: 'instance',
  title: 'New projects and groups are not public by default',
  description: 'A public default publishes every project or group whose creator does not change the pre-selected visibility.',
  severity: 'high',
  params: [],
  audit: applicationSetting(),
  scenario: SCENARIOS.credentialExposure,
  evaluate: ({ settings }) => {
    const out: FindingDraft[] = [];
    for (const key of ['default_project_visibility', 'default_group_visibility'] as const) {
      if (settings[key] === 'public') {
        out.push({ setting: key, expected: 'private', actual: 'public', message: `New ${key.includes('project') ? 'projects' : 'groups'} are public by default (${key})` });
      }
    }
    return out;
  },
  fix: (f) => put({ [f.setting]: 'private' }),
});

const localRequests = (key: Flag['key'], what: string): Flag => ({ key, message: `Requests to the local network are allowed from ${what} (${key})` });

export const instanceLocalRequests = flagRule({
  id: 'instance.local-requests',
  area: 'instance',
  title: 'Webhooks and integrations cannot reach the local network',
  description:
    "A webhook or integration URL on the local network turns GitLab into a proxy into the internal network (SSRF), including GitLab's own API and cloud metadata endpoints.",
  severity: 'high',
  scenario: SCENARIOS.compromisedInstance,
  want: false,
  flags: [
    localRequests('allow_local_requests_from_web_hooks_and_services', 'webhooks and integrations'),
    localRequests('allow_local_requests_from_system_hooks', 'system hooks'),
  ],
});

export const instancePatLifetime = instanceRule({
  id: 'instance.pat-lifetime',
  area: 'instance',
  title: 'Personal access tokens have a short maximum lifetime',
  description:
    'A leaked long-lived token works until it expires; the instance maximum lifetime caps every personal, group and project access token.',
  severity: 'medium',
  params: ['max_pat_lifetime_days'],
  audit: applicationSetting('integer'),
  minTier: 'ultimate',
  scenario: SCENARIOS.credentialExposure,
  evaluate: ({ settings }, params) => {
    if (!('max_personal_access_token_lifetime' in settings)) {
      return { skip: 'max_personal_access_token_lifetime not returned by GET /application/settings (EE only)' };
    }
    const v = settings.max_personal_access_token_lifetime ?? null;
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

export const instanceAdminMode = flagRule({
  id: 'instance.admin-mode',
  area: 'instance',
  title: 'Admin mode is on',
  description:
    'With admin mode an administrator re-authenticates before using admin rights, and an admin token needs the admin_mode scope, so a stolen session or ordinary token is not an admin one.',
  severity: 'medium',
  scenario: SCENARIOS.compromisedInstance,
  want: true,
  flags: [{ key: 'admin_mode', message: 'Admin mode is off: administrator sessions and tokens use admin rights without re-authentication' }],
});

export const instanceRunnerRegistrationToken = flagRule({
  id: 'instance.runner-registration-token',
  area: 'instance',
  title: 'Runners cannot register with registration tokens',
  description:
    'Registration tokens are shared secrets that register runners, which then receive jobs and their secrets; GitLab replaced them with runner authentication tokens created by an authenticated user.',
  severity: 'medium',
  scenario: SCENARIOS.compromisedInstance,
  want: false,
  flags: [{ key: 'allow_runner_registration_token', message: 'Runners can register with registration tokens (allow_runner_registration_token)' }],
});

export const instanceStaleAdmins = instanceRule({
  id: 'instance.stale-admins',
  area: 'instance',
  title: 'No stale administrator accounts',
  description:
    'An administrator who has not been active for months is an unwatched account with every right on the instance; demote or block it.',
  severity: 'medium',
  params: ['stale_admin_months'],
  audit: { unavailable: 'inactivity is the absence of events: there is no change to explain' },
  scenario: SCENARIOS.compromisedAccount,
  needs: ['settings', 'admins'],
  evaluate: ({ admins }, params, ctx) => {
    const cutoff = monthsBefore(ctx.now, params.stale_admin_months);
    const out: FindingDraft[] = [];
    for (const u of admins) {
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
