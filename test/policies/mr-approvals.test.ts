import { describe, expect, it } from 'vitest';
import type { GlApprovalRule, GlMrApprovalSetting, GlProjectApprovals, GlProtectedBranch } from '../../gitlab/types';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import { authorApproval, committerApproval, minApprovals, overrideInMr, resetOnPush } from '../../policies/mr-approvals';
import { PROJECT_TARGET, approvalRule, approvalSetting, approvals, branch, complete, ctx, drafts, params, project } from './helpers';

describe('mr-approvals.min-approvals', () => {
  const two = params('mr-approvals', { min_approvals: 2 });
  const main = branch('main', { id: 1 });
  const release = branch('release/*', { id: 2 });
  const users = (...names: string[]) => names.map((username, i) => ({ id: 100 + i, username }));
  const anyApprover = { any_approver: { rule_id: 7, name: 'All members' } };
  const short = (
    actual: number,
    ruleId: number | null,
    name = 'All members',
    extra: Record<string, unknown> = {},
    invalid = '',
  ): FindingDraft => ({
    setting: 'approvals_required',
    branch: 'main',
    expected: 2,
    actual,
    message:
      ruleId === null
        ? `No approval rule of project acme/web that can block a merge applies to main; the baseline requires at least 2 approval(s)${invalid}`
        : `Merge requests to main in project acme/web need ${actual} approval(s) (rule "${name}"); the baseline requires at least 2${invalid}`,
    ...(ruleId === null ? {} : { object: `approval rule ${ruleId}` }),
    ...(ruleId === null && Object.keys(extra).length === 0
      ? {}
      : {
          fixData:
            ruleId === null
              ? extra
              : {
                  rule_id: ruleId,
                  name,
                  rule_type: 'any_approver',
                  eligible: 0,
                  applies_to_all_protected_branches: false,
                  user_ids: [],
                  group_ids: [],
                  ...anyApprover,
                  ...extra,
                },
        }),
  });
  it.each<[string, GlApprovalRule[], GlProtectedBranch[], FindingDraft[]]>([
    ['all-branches rule with 2', [approvalRule({ approvals_required: 2 })], [main], []],
    ['stricter: 3 when 2 are required', [approvalRule({ approvals_required: 3 })], [main], []],
    ['all-branches rule with 1', [approvalRule({ approvals_required: 1 })], [main], [short(1, 7)]],
    ['no rules at all', [], [main], [short(0, null)]],
    ['all-protected rule, main protected', [approvalRule({ approvals_required: 2, applies_to_all_protected_branches: true })], [main], []],
    ['all-protected rule, main covered by an inherited wildcard', [approvalRule({ approvals_required: 2, applies_to_all_protected_branches: true })], [branch('*', { inherited: true })], []],
    [
      'all-protected rule, main not protected',
      [approvalRule({ approvals_required: 2, applies_to_all_protected_branches: true })],
      [release],
      [short(0, null, undefined, anyApprover)],
    ],
    ['rule listing main', [approvalRule({ approvals_required: 2, protected_branches: [main] })], [main, release], []],
    [
      'max over unrelated rules is ignored: 5 on release/*, 1 on all branches',
      [
        approvalRule({ id: 8, name: 'Release', rule_type: 'regular', approvals_required: 5, protected_branches: [release], users: users('rel'), eligible_approvers: users('rel') }),
        approvalRule({ id: 7, approvals_required: 1 }),
      ],
      [main, release],
      [short(1, 7)],
    ],
    [
      'the strongest covering rule decides',
      [
        approvalRule({ id: 7, approvals_required: 1 }),
        approvalRule({ id: 9, name: 'Security', rule_type: 'regular', approvals_required: 2, users: users('sec', 'ops'), eligible_approvers: users('sec', 'ops') }),
      ],
      [main],
      [],
    ],
    [
      'code owner and report rules do not count',
      [approvalRule({ id: 10, rule_type: 'code_owner', approvals_required: 2 }), approvalRule({ id: 11, rule_type: 'report_approver', approvals_required: 2 })],
      [main],
      [short(0, null)],
    ],
    // ee/app/models/approval_wrapped_rule.rb: invalid_rule? = !any_approver? && approvals_required > approvers.size,
    // and approved? is true for an invalid rule (allow_merge_when_invalid? outside scan-result policies).
    [
      'ApprovalWrappedRule#invalid_rule?: 2 required of 1 eligible approver blocks nothing',
      [approvalRule({ id: 9, name: 'Security', rule_type: 'regular', approvals_required: 2, users: users('sec'), eligible_approvers: users('sec') })],
      [main],
      [
        short(0, null, undefined, {}, ' (ignored as invalid, GitLab counts them as approved: "Security" asks for 2 but has 1 eligible approver(s); see docs/gitlab-behaviour.md, Merge request approvals)'),
      ],
    ],
    [
      'a blocked user is not an eligible approver: the 2-of-2 rule whose second user left is invalid',
      [approvalRule({ id: 9, name: 'Security', rule_type: 'regular', approvals_required: 2, users: users('sec', 'gone'), eligible_approvers: users('sec') })],
      [main],
      [
        short(0, null, undefined, {}, ' (ignored as invalid, GitLab counts them as approved: "Security" asks for 2 but has 1 eligible approver(s); see docs/gitlab-behaviour.md, Merge request approvals)'),
      ],
    ],
    [
      'any_approver rules are never invalid (no eligible approvers listed)',
      [approvalRule({ id: 7, approvals_required: 2, eligible_approvers: [] })],
      [main],
      [],
    ],
  ])('%s', (_name, rules, ps, want) => {
    expect(minApprovals.evaluate(project({ approvalRules: rules, protectedBranches: ps }), two, ctx)).toEqual(want);
  });

  it('empty repository: no default branch, nothing to judge', () => {
    expect(minApprovals.evaluate(project({ approvalRules: [], project: { ...project().project, default_branch: null } }), two, ctx)).toEqual([]);
  });

  it('a covering rule without eligible_approvers cannot be judged: skipped, never passed', () => {
    const rule = { ...approvalRule({ rule_type: 'regular', approvals_required: 2 }), eligible_approvers: undefined } as unknown as GlApprovalRule;
    expect(minApprovals.evaluate(project({ approvalRules: [rule], protectedBranches: [main] }), two, ctx)).toEqual({
      skip: 'eligible_approvers not returned by GET /projects/:id/approval_rules: cannot tell which rules can block a merge',
    });
  });

  it('fix PUTs the covering rule, always sending applies_to_all_protected_branches and its approvers', () => {
    const rule = approvalRule({
      id: 9,
      name: 'Security',
      rule_type: 'regular',
      approvals_required: 1,
      applies_to_all_protected_branches: true,
      users: [{ id: 4, username: 'sec' }],
      groups: [{ id: 50, full_path: 'acme/sec' }],
      eligible_approvers: users('sec', 'g1', 'g2'),
    });
    const [d] = drafts(minApprovals.evaluate(project({ approvalRules: [rule], protectedBranches: [main] }), two, ctx));
    expect(minApprovals.fix(complete(minApprovals, PROJECT_TARGET, d!), two)).toEqual({
      method: 'PUT',
      path: '/projects/12/approval_rules/9',
      body: { name: 'Security', approvals_required: 2, applies_to_all_protected_branches: true, user_ids: [4], group_ids: [50] },
    });
  });

  it('fix never raises a rule past its eligible approvers (it would turn invalid): it raises and widens the any_approver rule instead', () => {
    const rules = [
      approvalRule({ id: 9, name: 'Security', rule_type: 'regular', approvals_required: 1, users: users('sec'), eligible_approvers: users('sec') }),
      approvalRule({ id: 7, approvals_required: 1, protected_branches: [release] }),
    ];
    const [d] = drafts(minApprovals.evaluate(project({ approvalRules: rules, protectedBranches: [main, release] }), two, ctx));
    expect(minApprovals.fix(complete(minApprovals, PROJECT_TARGET, d!), two)).toEqual({
      method: 'PUT',
      path: '/projects/12/approval_rules/7',
      body: { name: 'All members', approvals_required: 2, applies_to_all_protected_branches: false, protected_branch_ids: [] },
    });
  });

  // ApprovalProjectRule: validates :rule_type, uniqueness: { scope: :project_id }, if: :any_approver?
  it('fix never POSTs a second any_approver rule: an any_approver rule scoped to other branches is widened', () => {
    const rules = [approvalRule({ id: 7, approvals_required: 3, protected_branches: [release] })];
    const [d] = drafts(minApprovals.evaluate(project({ approvalRules: rules, protectedBranches: [main, release] }), two, ctx));
    const fix = minApprovals.fix(complete(minApprovals, PROJECT_TARGET, d!), two);
    expect(fix).toMatchObject({ method: 'PUT', path: '/projects/12/approval_rules/7' });
  });

  it('fix POSTs an any-approver rule for all branches when the project has none', () => {
    expect(minApprovals.fix(complete(minApprovals, PROJECT_TARGET, short(0, null)), two)).toEqual({
      method: 'POST',
      path: '/projects/12/approval_rules',
      body: { name: 'All Members', rule_type: 'any_approver', approvals_required: 2, applies_to_all_protected_branches: false },
      creates: 'approval-rule',
    });
  });
});

const lockedBy = (from: 'group' | 'instance') => ({ value: true, locked: true, inherited_from: from });

describe.each([
  {
    rule: authorApproval,
    flag: 'merge_requests_author_approval' as const,
    good: false,
    key: 'allow_author_approval' as const,
    text: 'Authors can approve their own merge requests in project acme/web',
  },
  {
    rule: committerApproval,
    flag: 'merge_requests_disable_committers_approval' as const,
    good: true,
    key: 'allow_committer_approval' as const,
    text: 'Committers can approve merge requests they committed to in project acme/web',
  },
  {
    rule: resetOnPush,
    flag: 'reset_approvals_on_push' as const,
    good: true,
    key: 'retain_approvals_on_push' as const,
    text: 'Approvals are kept when new commits are pushed in project acme/web',
  },
  {
    rule: overrideInMr,
    flag: 'disable_overriding_approvers_per_merge_request' as const,
    good: true,
    key: 'allow_overrides_to_approver_list_per_merge_request' as const,
    text: 'Approval rules can be overridden in each merge request in project acme/web',
  },
])('$rule.id', ({ rule, flag, good, key, text }) => {
  const p = params('mr-approvals');
  const bad = !good;
  const plain: FindingDraft = { setting: flag, expected: good, actual: bad, message: text };
  const withoutFlag = approvals();
  delete (withoutFlag as Partial<GlProjectApprovals>)[flag];

  it.each<[string, GlProjectApprovals, GlMrApprovalSetting | undefined, RuleOutcome]>([
    ['compliant', approvals({ [flag]: good }), undefined, []],
    ['violating', approvals({ [flag]: bad }), undefined, [plain]],
    ['violating, setting not locked', approvals({ [flag]: bad }), approvalSetting(), [plain]],
    [
      'violating, locked by the group',
      approvals({ [flag]: bad }),
      approvalSetting({ [key]: lockedBy('group') }),
      [{ ...plain, message: `${text}; it is locked by the group setting, change it on the group`, fixData: { locked_by: 'group' } }],
    ],
    [
      'violating, locked by the instance',
      approvals({ [flag]: bad }),
      approvalSetting({ [key]: lockedBy('instance') }),
      [{ ...plain, message: `${text}; it is locked by the instance setting, change it on the instance`, fixData: { locked_by: 'instance' } }],
    ],
    ['flag absent', withoutFlag, undefined, { skip: `${flag} not returned by GET /projects/:id/approvals` }],
  ])('%s', (_name, a, setting, want) => {
    expect(rule.evaluate(project({ approvals: a, mrApprovalSetting: setting as GlMrApprovalSetting }), p, ctx)).toEqual(want);
  });

  it('fix POSTs the project flag', () => {
    expect(rule.fix(complete(rule, PROJECT_TARGET, plain), p)).toEqual({ method: 'POST', path: '/projects/12/approvals', body: { [flag]: good } });
  });

  it('fix is manual when a group locks the setting (a POST would be ignored)', () => {
    const f = complete(rule, PROJECT_TARGET, { ...plain, fixData: { locked_by: 'group' } });
    expect(rule.fix(f, p)).toEqual({
      manual: `${flag} is locked by the group setting: a project POST would be answered 201 and ignored (docs/gitlab-behaviour.md, Merge request approvals). Change it with PUT /groups/:id/merge_request_approval_setting on the group.`,
    });
  });

  it('reads approvals and enriches with the lock info only where it found something', () => {
    expect(rule.needs).toEqual({ project: ['approvals'] });
    expect(rule.enrich).toEqual({ project: ['mrApprovalSetting'] });
  });
});

// ee/app/models/merge_request/approval_removal_settings.rb (MergeRequest::ApprovalRemovalSettings#mutually_exclusive_settings):
// reset_approvals_on_push true is refused while selective_code_owner_removals is true.
describe('mr-approvals.reset-on-push with selective code owner removals on', () => {
  const p = params('mr-approvals');
  const a = approvals({ reset_approvals_on_push: false, selective_code_owner_removals: true });
  const note =
    'also sets selective_code_owner_removals to false: GitLab refuses reset_approvals_on_push while it is on ' +
    '(MergeRequest::ApprovalRemovalSettings, see docs/gitlab-behaviour.md, Merge request approvals)';

  it('the fix writes both flags in one POST and says why in the plan', () => {
    const [d] = drafts(resetOnPush.evaluate(project({ approvals: a }), p, ctx));
    expect(resetOnPush.fix(complete(resetOnPush, PROJECT_TARGET, d!), p)).toEqual({
      method: 'POST',
      path: '/projects/12/approvals',
      body: { reset_approvals_on_push: true, selective_code_owner_removals: false },
      note,
    });
  });

  it('with selective removals off the fix writes reset_approvals_on_push alone', () => {
    const [d] = drafts(resetOnPush.evaluate(project({ approvals: approvals({ reset_approvals_on_push: false }) }), p, ctx));
    expect(resetOnPush.fix(complete(resetOnPush, PROJECT_TARGET, d!), p)).toEqual({ method: 'POST', path: '/projects/12/approvals', body: { reset_approvals_on_push: true } });
  });

  it('a locked flag stays manual: no companion write', () => {
    const [d] = drafts(resetOnPush.evaluate(project({ approvals: a, mrApprovalSetting: approvalSetting({ retain_approvals_on_push: lockedBy('group') }) }), p, ctx));
    expect('manual' in resetOnPush.fix(complete(resetOnPush, PROJECT_TARGET, d!), p)).toBe(true);
  });
});
