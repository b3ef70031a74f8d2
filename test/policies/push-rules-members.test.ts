// push-rules.* (ee/lib/api/project_push_rule.rb: GET answers null without a rule; ee/lib/api/group_push_rule.rb:
// 404; fields of ee/lib/api/entities/group_push_rule.rb) and members.* (lib/api/entities/member.rb; 2FA and
// external from the administrator's GET /users, UserWithAdmin).
import { describe, expect, it } from 'vitest';
import type { GlMember, GlPushRule } from '../../gitlab/types';
import type { FindingDraft } from '../../policies/rule';
import { pushRulesCommitterCheck, pushRulesMemberCheck, pushRulesPreventSecrets, pushRulesRejectUnsigned } from '../../policies/push-rules';
import { membersExternalElevated, membersTooManyOwners, membersTwoFactor } from '../../policies/members';
import { GROUP_TARGET, PROJECT_TARGET, complete, ctx, glGroup, group, params, project } from './helpers';

function pushRule(over: Partial<GlPushRule> = {}): GlPushRule {
  return { id: 3, deny_delete_tag: false, member_check: true, prevent_secrets: true, commit_committer_check: true, reject_unsigned_commits: true, ...over };
}

describe('push-rules.*', () => {
  const p = params('push-rules');
  const rules = [
    [pushRulesRejectUnsigned, 'reject_unsigned_commits'],
    [pushRulesPreventSecrets, 'prevent_secrets'],
    [pushRulesMemberCheck, 'member_check'],
    [pushRulesCommitterCheck, 'commit_committer_check'],
  ] as const;

  it.each(rules)('%#: on passes, off is a finding that PUTs the rule', (rule, key) => {
    expect(rule.evaluate(project({ pushRule: pushRule() }), p, ctx)).toEqual([]);
    const [f] = rule.evaluate(project({ pushRule: pushRule({ [key]: false }) }), p, ctx) as FindingDraft[];
    expect(f).toMatchObject({ setting: key, expected: true, actual: false, fixData: { exists: true } });
    expect(rule.fix(complete(rule, PROJECT_TARGET, f!), p)).toEqual({ method: 'PUT', path: '/projects/12/push_rule', body: { [key]: true } });
  });

  it('a project without a push rule: finding, fix POSTs one', () => {
    const [f] = pushRulesPreventSecrets.evaluate(project({ pushRule: null }), p, ctx) as FindingDraft[];
    expect(f).toEqual({
      setting: 'prevent_secrets',
      expected: true,
      actual: null,
      message: 'Project acme/web has no push rule, so pushes are not checked to reject files that are likely to contain secrets',
      fixData: { exists: false },
    });
    expect(pushRulesPreventSecrets.fix(complete(pushRulesPreventSecrets, PROJECT_TARGET, f!), p)).toEqual({ method: 'POST', path: '/projects/12/push_rule', body: { prevent_secrets: true } });
  });

  it('groups: a top-level group without a rule is a finding; a subgroup without one inherits its ancestor\'s', () => {
    const [f] = pushRulesMemberCheck.evaluate(group({ pushRule: null }), p, ctx) as FindingDraft[];
    expect(f).toMatchObject({ setting: 'member_check', actual: null, message: 'Group acme has no push rule, so pushes are not checked to check that commit authors are GitLab users' });
    expect(pushRulesMemberCheck.fix(complete(pushRulesMemberCheck, GROUP_TARGET, f!), p)).toEqual({ method: 'POST', path: '/groups/100/push_rule', body: { member_check: true } });
    expect(pushRulesMemberCheck.evaluate(group({ topLevel: false, pushRule: null }), p, ctx)).toEqual([]);
    expect(pushRulesMemberCheck.evaluate(group({ topLevel: false, pushRule: pushRule({ member_check: false }) }), p, ctx)).toHaveLength(1);
  });

  it('a licence-gated key absent from the entity: skipped, not a finding', () => {
    const { reject_unsigned_commits: _r, ...rest } = pushRule();
    expect(pushRulesRejectUnsigned.evaluate(project({ pushRule: rest as GlPushRule }), p, ctx)).toEqual({
      skip: 'reject_unsigned_commits not returned by the push rule API (licence feature not available)',
    });
  });

  it('a finding without fixData is not written blindly', () => {
    const f = complete(pushRulesRejectUnsigned, PROJECT_TARGET, { setting: 'reject_unsigned_commits', expected: true, actual: false, message: 'm' });
    expect(pushRulesRejectUnsigned.fix(f, p)).toHaveProperty('manual');
  });
});

function member(id: number, username: string, access_level: number, over: Partial<GlMember> = {}): GlMember {
  return { id, username, name: username, state: 'active', access_level, created_at: '2026-01-01T00:00:00Z', ...over };
}

describe('members.too-many-owners', () => {
  const p = params('members');
  it('counts active direct Owners and Maintainers against the limits', () => {
    const owners = [member(1, 'a', 50), member(2, 'b', 50), member(3, 'c', 50), member(4, 'd', 50), member(5, 'e', 50, { state: 'blocked' })];
    expect(membersTooManyOwners.evaluate(group({ members: owners.slice(0, 3) }), p, ctx)).toEqual([]);
    expect(membersTooManyOwners.evaluate(group({ members: owners }), p, ctx)).toEqual([
      { setting: 'owners', expected: 3, actual: 4, message: 'Group acme has 4 direct Owners (a, b, c, d); the baseline allows at most 3' },
    ]);
    const maintainers = Array.from({ length: 3 }, (_, i) => member(10 + i, `m${i}`, 40));
    expect(membersTooManyOwners.evaluate(project({ members: maintainers }), params('members', { max_maintainers: 2 }), ctx)).toEqual([
      { setting: 'maintainers', expected: 2, actual: 3, message: 'Project acme/web has 3 direct Maintainers (m0, m1, m2); the baseline allows at most 2' },
    ]);
  });
  it('fix is manual: who keeps the role is for people to decide', () => {
    const f = complete(membersTooManyOwners, GROUP_TARGET, { setting: 'owners', expected: 3, actual: 4, message: 'm' });
    expect(membersTooManyOwners.fix(f, p)).toEqual({ manual: 'Lower the role of some owners of acme: which people keep it is a decision for its owners.' });
  });
});

describe('members.two-factor', () => {
  const p = params('members', { max_hours_without_two_factor: 48 });
  const g = (members: GlMember[], require = true) => group({ group: glGroup({ require_two_factor_authentication: require }), members });
  it('members without 2FA past the hours are findings; recent joiners and 2FA users are not', () => {
    const out = membersTwoFactor.evaluate(
      g([
        member(1, 'old', 30, { two_factor_enabled: false, created_at: '2026-11-01T00:00:00Z' }),
        member(2, 'new', 30, { two_factor_enabled: false, created_at: '2026-11-19T12:00:00Z' }),
        member(3, 'ok', 30, { two_factor_enabled: true, created_at: '2026-01-01T00:00:00Z' }),
      ]),
      p,
      ctx,
    );
    expect(out).toEqual([
      {
        setting: 'two_factor_enabled',
        object: 'old',
        expected: true,
        actual: false,
        message: 'old has been a member of group acme since 2026-11-01 without two-factor authentication, although the group requires it (more than 48 hours)',
      },
    ]);
  });
  it('a group that does not require 2FA: nothing here (two-factor.required reports it)', () => {
    expect(membersTwoFactor.evaluate(g([member(1, 'x', 30, { two_factor_enabled: false })], false), p, ctx)).toEqual([]);
  });
  it('flags unknown (no administrator token): skipped, never clean', () => {
    expect(membersTwoFactor.evaluate(g([member(1, 'x', 30)]), p, ctx)).toEqual({ skip: 'two_factor_enabled of members not readable (needs an administrator token)' });
    expect(membersTwoFactor.requiresAdmin).toBe(true);
  });
});

describe('members.external-elevated', () => {
  const p = params('members');
  it('external users above Developer are findings', () => {
    const out = membersExternalElevated.evaluate(
      project({ members: [member(1, 'contractor', 40, { external: true }), member(2, 'dev', 30, { external: true }), member(3, 'staff', 50, { external: false })] }),
      p,
      ctx,
    );
    expect(out).toEqual([
      {
        setting: 'access_level',
        object: 'contractor',
        expected: 30,
        actual: 40,
        message: 'External user contractor is a direct Maintainer of project acme/web; the baseline allows external users at most Developer',
      },
    ]);
  });
  it('flags unknown: skipped', () => {
    expect(membersExternalElevated.evaluate(group({ members: [member(1, 'x', 50)] }), p, ctx)).toEqual({ skip: 'external flag of members not readable (needs an administrator token)' });
  });
});
