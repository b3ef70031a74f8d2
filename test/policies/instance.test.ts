import { describe, expect, it } from 'vitest';
import type { GlApplicationSettings } from '../../gitlab/types';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import { instanceGitAbuseDownloadLimit, instanceTwoFactorGracePeriod, instanceTwoFactorRequired } from '../../policies/instance';
import { INSTANCE_TARGET, complete, ctx, group, instance, params } from './helpers';

describe('instance rules: metadata', () => {
  it.each([instanceTwoFactorRequired, instanceTwoFactorGracePeriod, instanceGitAbuseDownloadLimit])('$id needs an admin and the settings', (rule) => {
    expect([rule.requiresAdmin, rule.scope, rule.needs]).toEqual([true, ['instance'], { instance: ['settings'] }]);
  });
  it('areas and tiers', () => {
    expect([instanceTwoFactorRequired.area, instanceTwoFactorGracePeriod.area, instanceGitAbuseDownloadLimit.area]).toEqual(['two-factor', 'two-factor', 'git-abuse']);
    expect(instanceGitAbuseDownloadLimit.minTier).toBe('ultimate');
  });
});

describe('instance.two-factor-required', () => {
  const p = params('two-factor');
  const off: FindingDraft = { setting: 'require_two_factor_authentication', expected: true, actual: false, message: 'The instance does not require two-factor authentication' };
  it.each<[string, boolean, FindingDraft[]]>([
    ['required', true, []],
    ['not required', false, [{ ...off, fixData: { two_factor_grace_period: 48 } }]],
  ])('%s', (_n, on, want) => {
    expect(instanceTwoFactorRequired.evaluate(instance({ require_two_factor_authentication: on }), p, ctx)).toEqual(want);
  });
  it('ignores groups', () => {
    expect(instanceTwoFactorRequired.evaluate(group(), p, ctx)).toEqual([]);
  });
  it('carries the live grace period for the fix', () => {
    expect(instanceTwoFactorRequired.evaluate(instance({ require_two_factor_authentication: false, two_factor_grace_period: 4 }), p, ctx)).toEqual([
      { ...off, fixData: { two_factor_grace_period: 4 } },
    ]);
  });
  // GitLab requires two_factor_grace_period when turning 2FA on (lib/api/settings.rb `given require_two_factor_authentication`).
  it.each([
    [4, 4],
    [72, 48],
  ])('fix PUTs 2FA with the live grace period %i capped at the maximum (%i)', (live, grace) => {
    const q = params('two-factor', { max_grace_period: 48 });
    const change = instanceTwoFactorRequired.fix(complete(instanceTwoFactorRequired, INSTANCE_TARGET, { ...off, fixData: { two_factor_grace_period: live } }), q);
    expect(change).toMatchObject({ method: 'PUT', path: '/application/settings', body: { require_two_factor_authentication: true, two_factor_grace_period: grace } });
  });
  it('fix without the live grace period is manual, never a PUT GitLab refuses', () => {
    expect(instanceTwoFactorRequired.fix(complete(instanceTwoFactorRequired, INSTANCE_TARGET, off), p)).toHaveProperty('manual');
  });
});

describe('instance.two-factor-grace-period', () => {
  const p = params('two-factor', { max_grace_period: 8 });
  const long: FindingDraft = { setting: 'two_factor_grace_period', expected: 8, actual: 72, message: 'The instance allows a two-factor grace period of 72 hours; the baseline allows at most 8' };
  it.each<[string, number, FindingDraft[]]>([
    ['shorter', 4, []],
    ['at the maximum', 8, []],
    ['longer', 72, [long]],
  ])('%s', (_n, grace, want) => {
    expect(instanceTwoFactorGracePeriod.evaluate(instance({ two_factor_grace_period: grace }), p, ctx)).toEqual(want);
  });
  it('fix sets the maximum', () => {
    expect(instanceTwoFactorGracePeriod.fix(complete(instanceTwoFactorGracePeriod, INSTANCE_TARGET, long), p)).toEqual({
      method: 'PUT',
      path: '/application/settings',
      body: { two_factor_grace_period: 8 },
    });
  });
});

describe('instance.git-abuse-download-limit', () => {
  const p = params('git-abuse');
  const f = (setting: string, expected: unknown, actual: unknown, message: string): FindingDraft => ({ setting, expected, actual, message });
  it.each<[string, Partial<GlApplicationSettings>, RuleOutcome]>([
    ['within limits', {}, []],
    [
      'off (0)',
      { max_number_of_repository_downloads: 0 },
      [f('max_number_of_repository_downloads', 100, 0, 'The Git abuse download limit of the instance is disabled (0); the baseline requires 1 to 100 unique projects')],
    ],
    [
      'interval above the maximum, no auto-ban',
      { max_number_of_repository_downloads_within_time_period: 7200, auto_ban_user_on_excessive_projects_download: false },
      [
        f('max_number_of_repository_downloads_within_time_period', 3600, 7200, 'The Git abuse download interval of the instance is 7200 seconds; the baseline allows at most 3600'),
        f('auto_ban_user_on_excessive_projects_download', true, false, 'Users who exceed the Git abuse download limit of the instance are not banned automatically'),
      ],
    ],
    ['keys absent below Ultimate', { max_number_of_repository_downloads: undefined }, { skip: 'Git abuse settings not returned by GET /application/settings (needs Ultimate)' }],
  ])('%s', (_n, over, want) => {
    expect(instanceGitAbuseDownloadLimit.evaluate(instance(over), p, ctx)).toEqual(want);
  });
  it.each([
    ['max_number_of_repository_downloads', { max_number_of_repository_downloads: 100 }],
    ['max_number_of_repository_downloads_within_time_period', { max_number_of_repository_downloads_within_time_period: 3600 }],
    ['auto_ban_user_on_excessive_projects_download', { auto_ban_user_on_excessive_projects_download: true }],
  ])('fix of %s', (setting, body) => {
    expect(instanceGitAbuseDownloadLimit.fix(complete(instanceGitAbuseDownloadLimit, INSTANCE_TARGET, f(setting, 0, 0, 'm')), p)).toEqual({
      method: 'PUT',
      path: '/application/settings',
      body,
    });
  });
});
