// Two-factor authentication on groups (GitLab behaviours in docs/gitlab-behaviour.md, Two-factor authentication).
// Enforced 2FA is the guide's first advice after an account compromise; a long grace period leaves members without
// a second factor meanwhile. GitLab enforces 2FA on a member when any group in its hierarchy requires it, with the
// shortest grace period among them (User#expanded_groups_requiring_two_factor_authentication,
// User#update_two_factor_requirement): a group is judged by what it enforces, its own setting or an ancestor's.
// Descendants do not count (a subgroup's requirement binds only its own members; gitlab-org/gitlab#427173).
import type { GlGroupAncestor } from '../model/snapshot';
import { defineRule, type Subject } from './rule';
import { SCENARIOS } from './scenarios';

export const twoFactorRequired = defineRule({
  id: 'two-factor.required',
  area: 'two-factor',
  title: 'Groups require two-factor authentication',
  description:
    'Without enforced 2FA a phished or reused password is enough to take over a member account and everything it can reach.',
  severity: 'critical',
  params: [],
  audit: { events: ['group_require_two_factor_authentication_updated'], match: 'entity', value: 'boolean' },
  guards: { GroupSecurity: { fields: ['require_two_factor_authentication'], declared: (i) => (i.require_two_factor_authentication === true ? {} : null) } },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  needs: { group: ['group', 'ancestors'] },
  evaluate: (s) => {
    if (s.kind !== 'group' || s.group.require_two_factor_authentication) return [];
    // Enforced by an ancestor: compliant, and never written here (Group#two_factor_authentication_allowed refuses
    // it on a subgroup when the top-level group has allow_mfa_for_subgroups false).
    if (requiringAncestors(s).length > 0) return [];
    return [
      {
        setting: 'require_two_factor_authentication',
        expected: true,
        actual: s.group.require_two_factor_authentication,
        message: `Group ${s.group.full_path} does not require two-factor authentication${s.ancestors.length > 0 ? ', and no ancestor group does' : ''}`,
      },
    ];
  },
  fix: (f) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { require_two_factor_authentication: true } }),
});

export const twoFactorGracePeriod = defineRule({
  id: 'two-factor.grace-period',
  area: 'two-factor',
  title: 'Two-factor grace period is short',
  description:
    'During the grace period members may keep signing in without a second factor, so a long one delays the protection 2FA gives.',
  severity: 'medium',
  params: ['max_grace_period'],
  audit: { events: ['group_two_factor_grace_period_updated'], match: 'entity', value: 'integer' },
  guards: {
    GroupSecurity: {
      fields: ['two_factor_grace_period'],
      declared: (i) => (i.two_factor_grace_period !== undefined ? { max_grace_period: i.two_factor_grace_period } : null),
    },
  },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  needs: { group: ['group', 'ancestors'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group') return [];
    const enforcing = [...(s.group.require_two_factor_authentication ? [s.group] : []), ...requiringAncestors(s)];
    // Nothing enforces 2FA yet: judge the group's own period, the one that applies once it requires 2FA.
    const deciding = enforcing.length > 0 ? enforcing.reduce((a, g) => (g.two_factor_grace_period < a.two_factor_grace_period ? g : a)) : s.group;
    const effective = deciding.two_factor_grace_period;
    if (effective <= params.max_grace_period) return [];
    const own = deciding.id === s.group.id || s.group.require_two_factor_authentication;
    return [
      {
        setting: 'two_factor_grace_period',
        expected: params.max_grace_period,
        actual: effective,
        message:
          deciding.id === s.group.id
            ? `Group ${s.group.full_path} allows a two-factor grace period of ${effective} hours; the baseline allows at most ${params.max_grace_period}`
            : `Group ${s.group.full_path} gets a two-factor grace period of ${effective} hours from ancestor ${deciding.full_path}; the baseline allows at most ${params.max_grace_period}`,
        // The shortest period wins: lowering this group's own one is enough when it requires 2FA itself. Otherwise
        // the period is the ancestors', and 2FA must not be PUT on a subgroup under an enforcing ancestor.
        ...(own ? {} : { fixData: { from_ancestor: deciding.full_path } }),
      },
    ];
  },
  fix: (f, params) =>
    typeof f.fixData?.from_ancestor === 'string'
      ? {
          manual:
            `The grace period of ${f.target.path} comes from ancestor group ${f.fixData.from_ancestor}, which requires 2FA: lower it ` +
            `there (PUT /groups/:id two_factor_grace_period=${params.max_grace_period}); writing 2FA settings on this subgroup may be refused ` +
            '(docs/gitlab-behaviour.md, Two-factor authentication).',
        }
      : { method: 'PUT', path: `/groups/${f.target.id}`, body: { two_factor_grace_period: params.max_grace_period } },
});

/** Ancestors that require 2FA; their requirement binds this group's members too. */
function requiringAncestors(s: Extract<Subject, { kind: 'group' }>): GlGroupAncestor[] {
  return (s.ancestors ?? []).filter((a) => a.require_two_factor_authentication);
}

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [twoFactorRequired, twoFactorGracePeriod] as const;
