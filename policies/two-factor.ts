// Two-factor authentication on groups (gitlab-api.md §3.1). Enforced 2FA is the guide's first advice after an
// account compromise; a long grace period leaves members without a second factor meanwhile.
import { defineRule } from './rule';
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
  needs: { group: ['group'] },
  evaluate: (s) => {
    if (s.kind !== 'group' || s.group.require_two_factor_authentication) return [];
    return [
      {
        setting: 'require_two_factor_authentication',
        expected: true,
        actual: s.group.require_two_factor_authentication,
        message: `Group ${s.group.full_path} does not require two-factor authentication`,
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
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group' || s.group.two_factor_grace_period <= params.max_grace_period) return [];
    return [
      {
        setting: 'two_factor_grace_period',
        expected: params.max_grace_period,
        actual: s.group.two_factor_grace_period,
        message: `Group ${s.group.full_path} allows a two-factor grace period of ${s.group.two_factor_grace_period} hours; the baseline allows at most ${params.max_grace_period}`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { two_factor_grace_period: params.max_grace_period } }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [twoFactorRequired, twoFactorGracePeriod] as const;
