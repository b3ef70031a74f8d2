// The instance rules over GET /application/settings keys (app/helpers/application_settings_helper.rb
// visible_attributes; lib/api/entities/application_setting.rb, which also exposes throttle_unauthenticated_enabled
// as throttle_unauthenticated_web_enabled; ee/app/helpers/ee/application_settings_helper.rb adds
// max_personal_access_token_lifetime) and the administrators of GET /users?admins=true (UserWithAdmin).
import { describe, expect, it } from 'vitest';
import type { GlAdminUser, GlApplicationSettings } from '../../gitlab/types';
import type { FindingDraft, Rule } from '../../policies/rule';
import {
  instanceAdminMode,
  instanceDefaultBranchProtection,
  instanceDefaultVisibility,
  instanceEmailConfirmation,
  instanceGitPasswordAuth,
  instanceLocalRequests,
  instancePatLifetime,
  instanceRateLimits,
  instanceRestrictedPublic,
  instanceRunnerRegistrationToken,
  instanceSignup,
  instanceStaleAdmins,
} from '../../policies/instance';
import { INSTANCE_TARGET, complete, ctx, instance, params } from './helpers';

const ip = params('instance');
const run = (rule: Rule, over: Partial<GlApplicationSettings>, p: unknown = ip) => rule.evaluate(instance(over), p as never, ctx);
const fixOf = (rule: Rule, d: FindingDraft, p: unknown = ip) => rule.fix(complete(rule, INSTANCE_TARGET, d), p as never);

describe('every new instance rule needs an administrator and the settings', () => {
  it.each([
    instanceSignup, instanceEmailConfirmation, instanceGitPasswordAuth, instanceRateLimits, instanceDefaultBranchProtection, instanceRestrictedPublic,
    instanceDefaultVisibility, instanceLocalRequests, instancePatLifetime, instanceAdminMode, instanceRunnerRegistrationToken,
  ])('$id', (rule) => {
    expect([rule.requiresAdmin, rule.scope, rule.needs]).toEqual([true, ['instance'], { instance: ['settings'] }]);
  });
  it('stale admins also read the administrators', () => {
    expect(instanceStaleAdmins.needs).toEqual({ instance: ['settings', 'admins'] });
  });
});

describe('instance.signup', () => {
  it.each<[string, Partial<GlApplicationSettings>, number]>([
    ['off', { signup_enabled: false }, 0],
    ['on with admin approval', { signup_enabled: true, require_admin_approval_after_user_signup: true }, 0],
    ['on with allowed domains', { signup_enabled: true, domain_allowlist: ['acme.example'] }, 0],
    ['open', { signup_enabled: true, require_admin_approval_after_user_signup: false, domain_allowlist: [] }, 1],
  ])('%s', (_n, over, n) => {
    expect(run(instanceSignup, over)).toHaveLength(n);
  });
  it('fix turns sign-up off', () => {
    const [f] = run(instanceSignup, { signup_enabled: true }) as FindingDraft[];
    expect(fixOf(instanceSignup, f!)).toEqual({ method: 'PUT', path: '/application/settings', body: { signup_enabled: false } });
  });
  it('key absent: skipped', () => {
    expect(run(instanceSignup, {})).toEqual({ skip: 'signup_enabled not returned by GET /application/settings' });
  });
});

describe('instance.email-confirmation (email_confirmation_setting off|soft|hard)', () => {
  it.each([
    ['off', 'soft', 1],
    ['soft', 'soft', 0],
    ['hard', 'soft', 0],
    ['soft', 'hard', 1],
  ] as const)('%s against min %s', (v, min, n) => {
    expect(run(instanceEmailConfirmation, { email_confirmation_setting: v }, params('instance', { min_email_confirmation: min }))).toHaveLength(n);
  });
  it('fix writes the minimum', () => {
    const [f] = run(instanceEmailConfirmation, { email_confirmation_setting: 'off' }) as FindingDraft[];
    expect(f).toEqual({ setting: 'email_confirmation_setting', expected: 'soft', actual: 'off', message: 'E-mail confirmation on sign-up is off; the baseline requires soft' });
    expect(fixOf(instanceEmailConfirmation, f!)).toEqual({ method: 'PUT', path: '/application/settings', body: { email_confirmation_setting: 'soft' } });
  });
});

describe('flags: git password auth, admin mode, runner registration tokens', () => {
  it.each([
    [instanceGitPasswordAuth, 'password_authentication_enabled_for_git', false],
    [instanceAdminMode, 'admin_mode', true],
    [instanceRunnerRegistrationToken, 'allow_runner_registration_token', false],
  ] as const)('%#: %s must be %s', (rule, key, want) => {
    expect(run(rule, { [key]: want })).toEqual([]);
    const [f] = run(rule, { [key]: !want }) as FindingDraft[];
    expect(f).toMatchObject({ setting: key, expected: want, actual: !want });
    expect(fixOf(rule, f!)).toEqual({ method: 'PUT', path: '/application/settings', body: { [key]: want } });
    expect(run(rule, {})).toEqual({ skip: `${key} not returned by GET /application/settings` });
  });
});

describe('instance.rate-limits', () => {
  const on = { throttle_authenticated_api_enabled: true, throttle_authenticated_web_enabled: true, throttle_unauthenticated_api_enabled: true, throttle_unauthenticated_web_enabled: true };
  it('all on: compliant; each off is a finding', () => {
    expect(run(instanceRateLimits, on)).toEqual([]);
    const out = run(instanceRateLimits, { ...on, throttle_authenticated_api_enabled: false, throttle_unauthenticated_web_enabled: false }) as FindingDraft[];
    expect(out.map((f) => f.setting)).toEqual(['throttle_authenticated_api_enabled', 'throttle_unauthenticated_web_enabled']);
    expect(fixOf(instanceRateLimits, out[1]!)).toEqual({ method: 'PUT', path: '/application/settings', body: { throttle_unauthenticated_web_enabled: true } });
  });
  it('the unauthenticated web limit falls back to its column name', () => {
    const { throttle_unauthenticated_web_enabled: _w, ...rest } = on;
    expect(run(instanceRateLimits, { ...rest, throttle_unauthenticated_enabled: true })).toEqual([]);
  });
});

describe('instance.restricted-public / instance.default-visibility', () => {
  it('public restricted passes; otherwise the fix adds public to the levels already restricted', () => {
    expect(run(instanceRestrictedPublic, { restricted_visibility_levels: ['public'] })).toEqual([]);
    const [f] = run(instanceRestrictedPublic, { restricted_visibility_levels: ['internal'] }) as FindingDraft[];
    expect(f).toMatchObject({ expected: ['internal', 'public'], actual: ['internal'] });
    expect(fixOf(instanceRestrictedPublic, f!)).toEqual({ method: 'PUT', path: '/application/settings', body: { restricted_visibility_levels: ['internal', 'public'] } });
    expect(run(instanceRestrictedPublic, { restricted_visibility_levels: null })).toHaveLength(1);
  });
  it('public defaults are findings, internal and private are not', () => {
    expect(run(instanceDefaultVisibility, { default_project_visibility: 'internal', default_group_visibility: 'private' })).toEqual([]);
    const out = run(instanceDefaultVisibility, { default_project_visibility: 'public', default_group_visibility: 'public' }) as FindingDraft[];
    expect(out.map((f) => f.message)).toEqual([
      'New projects are public by default (default_project_visibility)',
      'New groups are public by default (default_group_visibility)',
    ]);
    expect(fixOf(instanceDefaultVisibility, out[1]!)).toEqual({ method: 'PUT', path: '/application/settings', body: { default_group_visibility: 'private' } });
  });
});

describe('instance.local-requests', () => {
  it('both kinds of hook must stay off the local network', () => {
    const off = { allow_local_requests_from_web_hooks_and_services: false, allow_local_requests_from_system_hooks: false };
    expect(run(instanceLocalRequests, off)).toEqual([]);
    const [f] = run(instanceLocalRequests, { ...off, allow_local_requests_from_web_hooks_and_services: true }) as FindingDraft[];
    expect(f!.message).toBe('Requests to the local network are allowed from webhooks and integrations (allow_local_requests_from_web_hooks_and_services)');
    expect(fixOf(instanceLocalRequests, f!)).toEqual({ method: 'PUT', path: '/application/settings', body: { allow_local_requests_from_web_hooks_and_services: false } });
  });
});

describe('instance.pat-lifetime (Ultimate; EE-only key)', () => {
  it.each<[string, Partial<GlApplicationSettings>, number]>([
    ['90 days', { max_personal_access_token_lifetime: 90 }, 0],
    ['400 days', { max_personal_access_token_lifetime: 400 }, 1],
    ['no maximum (null)', { max_personal_access_token_lifetime: null }, 1],
  ])('%s', (_n, over, n) => {
    expect(run(instancePatLifetime, over)).toHaveLength(n);
  });
  it('absent (CE): skipped', () => {
    expect(run(instancePatLifetime, {})).toEqual({ skip: 'max_personal_access_token_lifetime not returned by GET /application/settings (EE only)' });
    expect(instancePatLifetime.minTier).toBe('ultimate');
  });
});

describe('instance.default-branch-protection', () => {
  it('judges the instance hash like the group one', () => {
    const out = run(instanceDefaultBranchProtection, { default_branch_protection_defaults: { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false } }, params('groups')) as FindingDraft[];
    expect(out).toEqual([
      {
        setting: 'default_branch_protection_defaults.allowed_to_push',
        expected: 40,
        actual: 30,
        message: 'New projects in the instance start with a default branch that accepts pushes from Developers + Maintainers (30); the baseline requires Maintainers (40) or higher',
      },
    ]);
  });
});

describe('instance.stale-admins', () => {
  const admin = (username: string, over: Partial<GlAdminUser>): GlAdminUser => ({ id: 1, username, name: username, state: 'active', is_admin: true, ...over });
  it('an administrator idle for longer than the months is a finding; recent, blocked and bots are not', () => {
    const s = {
      ...instance(),
      admins: [
        admin('root', { last_activity_on: '2026-11-19', last_sign_in_at: '2026-11-19T08:00:00Z' }),
        admin('old', { last_activity_on: '2026-03-01', last_sign_in_at: '2026-02-01T08:00:00Z' }),
        admin('gone', { state: 'blocked', last_activity_on: '2020-01-01' }),
        admin('never', { created_at: '2025-01-01T00:00:00Z', last_activity_on: null, last_sign_in_at: null }),
      ],
    };
    expect(instanceStaleAdmins.evaluate(s, ip, ctx)).toEqual([
      { setting: 'is_admin', object: 'old', expected: false, actual: true, message: 'Administrator old has not been active since 2026-03-01 (more than 6 months)' },
      { setting: 'is_admin', object: 'never', expected: false, actual: true, message: 'Administrator never has not been active since 2025-01-01 (more than 6 months)' },
    ]);
  });
  it('fix is manual', () => {
    const f = complete(instanceStaleAdmins, INSTANCE_TARGET, { setting: 'is_admin', object: 'old', expected: false, actual: true, message: 'm' });
    expect(instanceStaleAdmins.fix(f, ip)).toHaveProperty('manual');
  });
});
