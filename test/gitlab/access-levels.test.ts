// Access levels are shown by the names GitLab gives them: ProtectedRefAccess.human_access_levels
// (app/models/concerns/protected_ref_access.rb): 0 "No one", 30 "Developers + Maintainers", 40 "Maintainers",
// 60 "Instance admins". The API returns the same text as `access_level_description`.
import { describe, expect, it } from 'vitest';
import { describeAccessEntry, displayAccessValue, humanizeAccessLevel, isAccessLevelSetting } from '../../gitlab/access-levels';
import { render } from '../../checks/report';
import { formatPlan } from '../../checks/revert/format';
import type { Plan } from '../../checks/revert/plan';
import type { Finding } from '../../model/result';
import { makeResult, RULES, web } from '../report/fixtures';

describe('GitLab access level names (ProtectedRefAccess.human_access_levels)', () => {
  it.each([
    [0, 'No one'],
    [30, 'Developers + Maintainers'],
    [40, 'Maintainers'],
    [60, 'Instance admins'],
    [50, 'access level 50'],
  ])('%i -> %s', (level, name) => {
    expect(humanizeAccessLevel(level)).toBe(name);
  });

  it('names an entry by role, else by the user, group or deploy key it lets in', () => {
    expect(describeAccessEntry({ access_level: 40, user_id: null, group_id: null, deploy_key_id: null })).toBe('Maintainers');
    expect(describeAccessEntry({ access_level: null, user_id: 12 })).toBe('user 12');
    expect(describeAccessEntry({ access_level: 40, group_id: 7 })).toBe('group 7');
    expect(describeAccessEntry({ access_level: 40, deploy_key_id: 3 })).toBe('deploy key 3');
  });

  it('applies to protected-ref level settings only, not to a member role', () => {
    expect(['push_access_levels', 'merge_access_levels', 'unprotect_access_levels', 'default_branch_protection_defaults.allowed_to_merge'].map(isAccessLevelSetting)).toEqual([true, true, true, true]);
    // A member's access_level 30 is "Developer" (Gitlab::Access.options), not "Developers + Maintainers".
    expect(['access_level', 'forking_access_level', 'allow_force_push'].map(isAccessLevelSetting)).toEqual([false, false, false]);
    expect(displayAccessValue([40, 30, 'Jane Doe'])).toEqual(['Maintainers (40)', 'Developers + Maintainers (30)', 'Jane Doe']);
  });
});

describe('where levels are shown', () => {
  const weak: Finding = {
    rule: 'protected-branches.push', area: 'protected-branches', severity: 'high', target: web, setting: 'push_access_levels',
    branch: 'main', expected: 40, actual: 30, revertible: true, waived: false,
    message: 'Developers + Maintainers can push to protected branch main; the baseline allows only Maintainers (40) or stricter',
  };

  it('the revert plan: "Developers + Maintainers (30) -> Maintainers (40)", not bare numbers', () => {
    const plan: Plan = {
      steps: [{ seq: 1, finding: weak, change: { method: 'PATCH', path: '/projects/12/protected_branches/main', body: { allowed_to_push: [{ id: 11, access_level: 40 }] } } }],
      needsDestructive: [], manual: [], superseded: [],
    };
    expect(formatPlan(plan, 'https://gitlab.example.com', true)).toContain('push_access_levels: Developers + Maintainers (30) -> Maintainers (40)  PATCH');
  });

  it.each(['table', 'markdown', 'junit', 'html'] as const)('%s report: expected/actual by name and number', (format) => {
    const out = render(format, { ...makeResult(), findings: [weak] }, { rules: RULES, width: 400 });
    expect(out).toContain('Maintainers (40)');
    expect(out).toContain('Developers + Maintainers (30)');
  });

  it('JSON keeps the numbers GitLab and the baseline use (contract)', () => {
    const json = JSON.parse(render('json', { ...makeResult(), findings: [weak] }, { rules: RULES }));
    expect(json.findings[0]).toMatchObject({ expected: 40, actual: 30 });
  });
});
