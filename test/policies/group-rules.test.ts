// two-factor, visibility and git-abuse: the group (and project) settings rules.
import { describe, expect, it } from 'vitest';
import type { GlGroup } from '../../gitlab/types';
import type { GlGroupAncestor } from '../../model/snapshot';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import { twoFactorGracePeriod, twoFactorRequired } from '../../policies/two-factor';
import { visibilityGroup, visibilityProject } from '../../policies/visibility';
import { downloadLimit } from '../../policies/git-abuse';
import { GROUP_TARGET, PROJECT_TARGET, complete, ctx, drafts, glGroup, glProject, group, params, project } from './helpers';

describe('two-factor.required', () => {
  const p = params('two-factor');
  const off: FindingDraft = { setting: 'require_two_factor_authentication', expected: true, actual: false, message: 'Group acme does not require two-factor authentication' };
  it.each<[string, Partial<GlGroup>, FindingDraft[]]>([
    ['required', { require_two_factor_authentication: true }, []],
    ['not required', { require_two_factor_authentication: false }, [off]],
  ])('%s', (_n, g, want) => {
    expect(twoFactorRequired.evaluate(group({ group: glGroup(g) }), p, ctx)).toEqual(want);
  });
  it('ignores projects', () => {
    expect(twoFactorRequired.evaluate(project(), p, ctx)).toEqual([]);
  });
  it('fix PUTs the group', () => {
    expect(twoFactorRequired.fix(complete(twoFactorRequired, GROUP_TARGET, off), p)).toEqual({
      method: 'PUT',
      path: '/groups/100',
      body: { require_two_factor_authentication: true },
    });
  });
});

describe('two-factor.grace-period', () => {
  const long: FindingDraft = {
    setting: 'two_factor_grace_period',
    expected: 8,
    actual: 48,
    message: 'Group acme allows a two-factor grace period of 48 hours; the baseline allows at most 8',
  };
  it.each<[string, number, number, FindingDraft[]]>([
    ['at the maximum', 48, 48, []],
    ['stricter: shorter than the maximum', 0, 48, []],
    ['longer than the maximum', 48, 8, [long]],
  ])('%s', (_n, grace, max, want) => {
    expect(twoFactorGracePeriod.evaluate(group({ group: glGroup({ two_factor_grace_period: grace }) }), params('two-factor', { max_grace_period: max }), ctx)).toEqual(want);
  });
  it('fix sets the maximum', () => {
    expect(twoFactorGracePeriod.fix(complete(twoFactorGracePeriod, GROUP_TARGET, long), params('two-factor', { max_grace_period: 8 }))).toEqual({
      method: 'PUT',
      path: '/groups/100',
      body: { two_factor_grace_period: 8 },
    });
  });
});

// GitLab enforces 2FA on a member when a group in its hierarchy requires it, with the shortest grace period among them:
// User#expanded_groups_requiring_two_factor_authentication (app/models/user.rb, Authn::Users::TwoFactorGroupsFinder)
// and User#update_two_factor_requirement (`periods.min`). A subgroup may be refused a 2FA write when the top-level
// group has allow_mfa_for_subgroups false (Group#two_factor_authentication_allowed, app/models/group.rb).
describe('two-factor: effective settings over the group and its ancestors', () => {
  const sub = (own: Partial<GlGroup>, ...ancestors: GlGroupAncestor[]) =>
    group({ target: { kind: 'group', path: 'acme/platform', id: 101 }, topLevel: false, group: glGroup({ id: 101, full_path: 'acme/platform', parent_id: 100, ...own }), ancestors });
  const anc = (id: number, full_path: string, require: boolean, grace: number, parent_id: number | null = null): GlGroupAncestor => ({
    id,
    full_path,
    parent_id,
    require_two_factor_authentication: require,
    two_factor_grace_period: grace,
  });
  const p = params('two-factor', { max_grace_period: 8 });

  it.each<[string, ReturnType<typeof sub>, RuleOutcome]>([
    ['required by the parent: compliant, nothing to write on the subgroup', sub({ require_two_factor_authentication: false }, anc(100, 'acme', true, 8)), []],
    ['required by the grandparent', sub({ require_two_factor_authentication: false }, anc(100, 'acme', false, 48, 99), anc(99, 'corp', true, 8)), []],
    [
      'no group in the chain requires it',
      sub({ require_two_factor_authentication: false }, anc(100, 'acme', false, 48)),
      [{ setting: 'require_two_factor_authentication', expected: true, actual: false, message: 'Group acme/platform does not require two-factor authentication, and no ancestor group does' }],
    ],
  ])('required: %s', (_n, subject, want) => {
    expect(twoFactorRequired.evaluate(subject, p, ctx)).toEqual(want);
  });

  it.each<[string, ReturnType<typeof sub>, RuleOutcome]>([
    ['the shortest period wins: own 48, parent requires with 8', sub({ require_two_factor_authentication: true, two_factor_grace_period: 48 }, anc(100, 'acme', true, 8)), []],
    ['an ancestor that does not require 2FA sets no period', sub({ require_two_factor_authentication: true, two_factor_grace_period: 48 }, anc(100, 'acme', false, 0)), [
      { setting: 'two_factor_grace_period', expected: 8, actual: 48, message: 'Group acme/platform allows a two-factor grace period of 48 hours; the baseline allows at most 8' },
    ]],
    ['inherited from the requiring parent: manual, never written on the subgroup', sub({ require_two_factor_authentication: false, two_factor_grace_period: 0 }, anc(100, 'acme', true, 48)), [
      {
        setting: 'two_factor_grace_period',
        expected: 8,
        actual: 48,
        message: 'Group acme/platform gets a two-factor grace period of 48 hours from ancestor acme; the baseline allows at most 8',
        fixData: { from_ancestor: 'acme' },
      },
    ]],
  ])('grace period: %s', (_n, subject, want) => {
    expect(twoFactorGracePeriod.evaluate(subject, p, ctx)).toEqual(want);
  });

  it('the grace fix of a subgroup under an enforcing ancestor is manual and names the ancestor', () => {
    const [d] = drafts(twoFactorGracePeriod.evaluate(sub({ require_two_factor_authentication: false }, anc(100, 'acme', true, 48)), p, ctx));
    const fix = twoFactorGracePeriod.fix(complete(twoFactorGracePeriod, { kind: 'group', path: 'acme/platform', id: 101 }, d!), p);
    expect(fix).toEqual({ manual: expect.stringContaining('comes from ancestor group acme, which requires 2FA') });
  });

  it('a subgroup that requires 2FA itself lowers its own period (the minimum then meets the baseline)', () => {
    const [d] = drafts(twoFactorGracePeriod.evaluate(sub({ require_two_factor_authentication: true, two_factor_grace_period: 48 }, anc(100, 'acme', true, 24)), p, ctx));
    expect(d!.actual).toBe(24);
    expect(twoFactorGracePeriod.fix(complete(twoFactorGracePeriod, { kind: 'group', path: 'acme/platform', id: 101 }, d!), p)).toEqual({
      method: 'PUT',
      path: '/groups/101',
      body: { two_factor_grace_period: 8 },
    });
  });

  it('both rules need the ancestors read', () => {
    expect(twoFactorRequired.needs).toEqual({ group: ['group', 'ancestors'] });
    expect(twoFactorGracePeriod.needs).toEqual({ group: ['group', 'ancestors'] });
  });
});

describe('visibility.group / visibility.project', () => {
  it.each([
    ['private, max internal', 'private', 'internal', []],
    ['internal, max internal', 'internal', 'internal', []],
    ['stricter: private when internal is allowed', 'private', 'public', []],
    ['public, max internal', 'public', 'internal', [{ setting: 'visibility', expected: 'internal', actual: 'public', message: 'Group acme is public; the baseline allows at most internal' }]],
    ['internal, max private', 'internal', 'private', [{ setting: 'visibility', expected: 'private', actual: 'internal', message: 'Group acme is internal; the baseline allows at most private' }]],
  ] as const)('group %s', (_n, actual, max, want) => {
    expect(visibilityGroup.evaluate(group({ group: glGroup({ visibility: actual }) }), params('visibility', { max_group_visibility: max }), ctx)).toEqual(want);
  });
  it.each([
    ['private', 'private', []],
    ['public', 'public', [{ setting: 'visibility', expected: 'internal', actual: 'public', message: 'Project acme/web is public; the baseline allows at most internal' }]],
  ] as const)('project %s, max internal', (_n, actual, want) => {
    expect(visibilityProject.evaluate(project({ project: glProject({ visibility: actual }) }), params('visibility'), ctx)).toEqual(want);
  });
  it('fixes PUT the baseline maximum', () => {
    const p = params('visibility', { max_project_visibility: 'private', max_group_visibility: 'internal' });
    const pf = complete(visibilityProject, PROJECT_TARGET, { setting: 'visibility', expected: 'private', actual: 'public', message: 'm' });
    const gf = complete(visibilityGroup, GROUP_TARGET, { setting: 'visibility', expected: 'internal', actual: 'public', message: 'm' });
    expect(visibilityProject.fix(pf, p)).toEqual({ method: 'PUT', path: '/projects/12', body: { visibility: 'private' } });
    expect(visibilityGroup.fix(gf, p)).toEqual({ method: 'PUT', path: '/groups/100', body: { visibility: 'internal' } });
  });
});

describe('git-abuse.download-limit', () => {
  const p = params('git-abuse');
  const abuse = (over: Partial<GlGroup>): Partial<GlGroup> => ({
    unique_project_download_limit: 50,
    unique_project_download_limit_interval_in_seconds: 600,
    auto_ban_user_on_excessive_projects_download: true,
    ...over,
  });
  const f = (setting: string, expected: unknown, actual: unknown, message: string): FindingDraft => ({ setting, expected, actual, message });
  it.each<[string, Partial<GlGroup>, boolean, RuleOutcome]>([
    ['within limits', abuse({}), true, []],
    ['at the maximum', abuse({ unique_project_download_limit: 100, unique_project_download_limit_interval_in_seconds: 3600 }), true, []],
    [
      'limit 0 disables it',
      abuse({ unique_project_download_limit: 0 }),
      true,
      [f('unique_project_download_limit', 100, 0, 'The Git abuse download limit of group acme is disabled (0); the baseline requires 1 to 100 unique projects')],
    ],
    [
      'interval 0 disables it',
      abuse({ unique_project_download_limit_interval_in_seconds: 0 }),
      true,
      [f('unique_project_download_limit_interval_in_seconds', 3600, 0, 'The Git abuse download interval of group acme is 0, which disables the limit; the baseline requires 1 to 3600 seconds')],
    ],
    [
      'limit and interval above the maximum, no auto-ban',
      abuse({ unique_project_download_limit: 500, unique_project_download_limit_interval_in_seconds: 86400, auto_ban_user_on_excessive_projects_download: false }),
      true,
      [
        f('unique_project_download_limit', 100, 500, 'The Git abuse download limit of group acme is 500 unique projects; the baseline allows at most 100'),
        f('unique_project_download_limit_interval_in_seconds', 3600, 86400, 'The Git abuse download interval of group acme is 86400 seconds; the baseline allows at most 3600'),
        f('auto_ban_user_on_excessive_projects_download', true, false, 'Users who exceed the Git abuse download limit of group acme are not banned automatically'),
      ],
    ],
    ['subgroup: the setting lives on the top-level group', abuse({ unique_project_download_limit: 0, parent_id: 100 }), false, []],
    ['keys absent', {}, true, { skip: 'Git abuse settings not visible (needs Owner on a top-level Ultimate group)' }],
  ])('%s', (_n, g, topLevel, want) => {
    expect(downloadLimit.evaluate(group({ topLevel, group: glGroup(g) }), p, ctx)).toEqual(want);
  });
  it('auto-ban on when the baseline only notifies is stricter, not drift', () => {
    expect(downloadLimit.evaluate(group({ group: glGroup(abuse({})) }), params('git-abuse', { auto_ban: false }), ctx)).toEqual([]);
  });
  it.each([
    ['unique_project_download_limit', { unique_project_download_limit: 100 }],
    ['unique_project_download_limit_interval_in_seconds', { unique_project_download_limit_interval_in_seconds: 3600 }],
    ['auto_ban_user_on_excessive_projects_download', { auto_ban_user_on_excessive_projects_download: true }],
  ])('fix of %s PUTs the group', (setting, body) => {
    expect(downloadLimit.fix(complete(downloadLimit, GROUP_TARGET, f(setting, 0, 0, 'm')), p)).toEqual({ method: 'PUT', path: '/groups/100', body });
  });
});
