// Instance application settings (gitlab-api.md §3.2): administrator token only, self-managed and Dedicated.
// Same semantics as the group rules of the area, with the instance's field names.
import { applicationSetting } from './audit';
import { defineRule } from './rule';
import { gitAbuseFixValue, judgeGitAbuse } from './git-abuse';
import { SCENARIOS } from './scenarios';

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
    // Licence-gated keys: absent below Ultimate (gitlab-api.md §2).
    if (limit === undefined || interval === undefined || autoBan === undefined) {
      return { skip: 'Git abuse settings not returned by GET /application/settings (needs Ultimate)' };
    }
    return judgeGitAbuse({ limit, interval, autoBan }, params, INSTANCE_FIELDS, 'the instance');
  },
  fix: (f, params) => ({ method: 'PUT', path: SETTINGS_PATH, body: { [f.setting]: gitAbuseFixValue(f.setting, params) } }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [instanceTwoFactorRequired, instanceTwoFactorGracePeriod, instanceGitAbuseDownloadLimit] as const;
