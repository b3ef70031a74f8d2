// Merge-request approvals (Premium; GitLab behaviours in docs/gitlab-behaviour.md, Merge request approvals). `min-approvals` counts only approval rules that apply
// to the default branch; the project flags come from GET /projects/:id/approvals, whose names are inverted
// relative to the settings API for three of them. The settings API (read only where a flag is off, `enrich`)
// tells whether the group or instance locks a flag: then POST /projects/:id/approvals answers 201 and keeps
// the old value (docs/gitlab-behaviour.md, Merge request approvals), so the fix is manual.
import type { GlApprovalRule, GlMrApprovalSetting, GlProjectApprovals, GlProtectedBranch } from '../gitlab/types';
import type { Finding } from '../model/result';
import { approvalFlag } from './audit';
import { defineRule, type Change, type Fix, type FindingDraft, type Subject } from './rule';
import { branchMatches } from './match';
import { SCENARIOS } from './scenarios';
import { missingFixData } from './fix-data';

const common = {
  area: 'mr-approvals' as const,
  scope: ['project' as const],
  minTier: 'premium' as const,
  scenario: SCENARIOS.misconfiguredSettings,
};

/**
 * Does approval rule `rule` apply to branch `branch`? (ee/app/models/approval_project_rule.rb `applies_to_branch?`):
 * "all protected branches" rules apply to branches some project protection (inherited ones included) matches;
 * rules listing protected branches apply to branches those match; rules with neither apply to every branch.
 */
export function ruleCoversBranch(rule: GlApprovalRule, branch: string, protections: readonly GlProtectedBranch[]): boolean {
  if (rule.applies_to_all_protected_branches) return protections.some((p) => branchMatches(p.name, branch));
  const scoped = rule.protected_branches ?? [];
  if (scoped.length > 0) return scoped.some((p) => branchMatches(p.name, branch));
  return true;
}

/** Rules whose approvals gate merging: report_approver and code_owner rules are conditional, so they don't count. */
function countsTowardMinimum(rule: GlApprovalRule): boolean {
  return rule.rule_type === 'regular' || rule.rule_type === 'any_approver';
}

/**
 * A rule that asks for more approvals than it has eligible approvers is invalid, and GitLab counts an invalid rule
 * as approved (ee/app/models/approval_wrapped_rule.rb `invalid_rule?`, `approved?` with `allow_merge_when_invalid?`):
 * it blocks nothing. any_approver rules are never invalid. `eligible_approvers` is the rule's active approvers
 * (users and group members, ApprovalRuleLike#approvers), as the API serves it.
 */
export function isInvalidRule(rule: Pick<GlApprovalRule, 'rule_type' | 'approvals_required' | 'eligible_approvers'>): boolean {
  return rule.rule_type !== 'any_approver' && rule.approvals_required > (rule.eligible_approvers ?? []).length;
}

/** Would the rule still block a merge with `required` approvals? (Raising it past its approvers voids it.) */
function canRequire(rule: { rule_type: string; eligible?: number }, required: number): boolean {
  return rule.rule_type === 'any_approver' || rule.eligible === undefined || required <= rule.eligible;
}

function describeInvalid(rules: readonly GlApprovalRule[]): string {
  if (rules.length === 0) return '';
  const list = rules.map((r) => `"${r.name}" asks for ${r.approvals_required} but has ${r.eligible_approvers.length} eligible approver(s)`).join('; ');
  return ` (ignored as invalid, GitLab counts them as approved: ${list}; see docs/gitlab-behaviour.md, Merge request approvals)`;
}

export const minApprovals = defineRule({
  ...common,
  id: 'mr-approvals.min-approvals',
  title: 'Merge requests to the default branch need enough approvals',
  description:
    'Approvals are the review gate before code reaches the default branch; with fewer than required, one account can land changes alone.',
  severity: 'high',
  params: ['min_approvals'],
  audit: {
    events: ['update_approval_rules', 'approval_rule_created'],
    match: 'approval-rule',
    creations: ['approval_rule_created'],
    value: 'integer',
  },
  guards: { ApprovalRule: { fields: ['approvals_required'], declared: (i) => ({ min_approvals: i.approvals_required }) } },
  needs: { project: ['project', 'approvalRules', 'protectedBranches'] },
  evaluate: (s, params) => {
    if (s.kind !== 'project' || !s.project.default_branch) return [];
    const branch = s.project.default_branch;
    const covering = s.approvalRules.filter((r) => countsTowardMinimum(r) && ruleCoversBranch(r, branch, s.protectedBranches));
    // Only regular rules can be invalid; any_approver rules need no approver list.
    if (covering.some((r) => r.rule_type !== 'any_approver' && !Array.isArray(r.eligible_approvers))) {
      return { skip: 'eligible_approvers not returned by GET /projects/:id/approval_rules: cannot tell which rules can block a merge' };
    }
    // Only rules that can block a merge count; the strongest of them decides. Rules scoped to other branches
    // say nothing about this one.
    const invalid = covering.filter(isInvalidRule);
    const valid = covering.filter((r) => !isInvalidRule(r));
    const best = valid.reduce<GlApprovalRule | undefined>((a, r) => (!a || r.approvals_required > a.approvals_required ? r : a), undefined);
    const actual = best?.approvals_required ?? 0;
    if (actual >= params.min_approvals) return [];
    // The project's one any_approver rule (ApprovalProjectRule validates it unique): the fix raises or widens it
    // rather than POSTing a second one, which GitLab refuses.
    const anyApprover = s.approvalRules.find((r) => r.rule_type === 'any_approver');
    const why = describeInvalid(invalid);
    return [
      {
        setting: 'approvals_required',
        branch,
        expected: params.min_approvals,
        actual,
        message: best
          ? `Merge requests to ${branch} in project ${s.project.path_with_namespace} need ${actual} approval(s) (rule "${best.name}"); the baseline requires at least ${params.min_approvals}${why}`
          : `No approval rule of project ${s.project.path_with_namespace} that can block a merge applies to ${branch}; the baseline requires at least ${params.min_approvals} approval(s)${why}`,
        ...(best ? { object: `approval rule ${best.id}` } : {}),
        ...(best || anyApprover
          ? {
              fixData: {
                ...(best
                  ? {
                      rule_id: best.id,
                      name: best.name,
                      rule_type: best.rule_type,
                      ...(Array.isArray(best.eligible_approvers) ? { eligible: best.eligible_approvers.length } : {}),
                      applies_to_all_protected_branches: best.applies_to_all_protected_branches,
                      user_ids: best.users.map((u) => u.id),
                      group_ids: best.groups.map((g) => g.id),
                    }
                  : {}),
                ...(anyApprover ? { any_approver: { rule_id: anyApprover.id, name: anyApprover.name } } : {}),
              },
            }
          : {}),
      },
    ];
  },
  fix: (f, params): Fix => {
    const d = f.fixData;
    const required = params.min_approvals;
    if (d && typeof d.rule_id === 'number' && canRequire({ rule_type: String(d.rule_type ?? 'regular'), eligible: d.eligible as number | undefined }, required)) {
      return {
        method: 'PUT',
        path: `/projects/${f.target.id}/approval_rules/${d.rule_id}`,
        // Always send applies_to_all_protected_branches: omitting it resets it to false on PUT (docs/gitlab-behaviour.md, Merge request approvals), and
        // re-send users/groups, which a PUT otherwise removes.
        body: {
          name: d.name,
          approvals_required: required,
          applies_to_all_protected_branches: d.applies_to_all_protected_branches,
          user_ids: d.user_ids,
          group_ids: d.group_ids,
        },
      };
    }
    // A covering rule was found but its data is gone: a second rule would not raise the first one.
    if (f.object !== undefined && !d) return missingFixData(f, 'the covering approval rule');
    const any = d?.any_approver as { rule_id: number; name: string } | undefined;
    if (any) {
      // Raise and widen the existing any_approver rule to every branch: a project holds only one
      // (ApprovalProjectRule `validates :rule_type, uniqueness`), so a POST would answer 400.
      return {
        method: 'PUT',
        path: `/projects/${f.target.id}/approval_rules/${any.rule_id}`,
        body: { name: any.name, approvals_required: required, applies_to_all_protected_branches: false, protected_branch_ids: [] },
      };
    }
    // No branches and applies_to_all_protected_branches false: covers every branch, the default one included.
    // Without users or groups GitLab makes it an any_approver rule anyway (ApprovalRules::CreateService).
    return {
      method: 'POST',
      path: `/projects/${f.target.id}/approval_rules`,
      body: { name: 'All Members', rule_type: 'any_approver', approvals_required: required, applies_to_all_protected_branches: false },
      creates: 'approval-rule',
    };
  },
});

type ApprovalFlag = 'merge_requests_author_approval' | 'merge_requests_disable_committers_approval' | 'reset_approvals_on_push' | 'disable_overriding_approvers_per_merge_request';
type SettingKey = Exclude<keyof GlMrApprovalSetting, 'require_reauthentication_to_approve'>;

interface FlagSpec {
  flag: ApprovalFlag;
  expected: boolean;
  /** The same setting in the settings API (docs/gitlab-behaviour.md, Merge request approvals), where the lock info lives. */
  settingKey: SettingKey;
  message: (project: string) => string;
  /**
   * Other flags GitLab will not leave as they are when this one is written (MergeRequest::ApprovalRemovalSettings):
   * the fix writes them too, and the plan says why.
   */
  companion?: (approvals: Partial<GlProjectApprovals>) => { body: Record<string, boolean>; note: string } | undefined;
}

function flagRule(spec: FlagSpec) {
  return {
    needs: { project: ['approvals' as const] },
    enrich: { project: ['mrApprovalSetting' as const] },
    evaluate: (s: Subject): FindingDraft[] | { skip: string } => {
      if (s.kind !== 'project') return [];
      const value = (s.approvals as Partial<GlProjectApprovals>)[spec.flag];
      if (value === undefined) return { skip: `${spec.flag} not returned by GET /projects/:id/approvals` };
      if (value === spec.expected) return [];
      // Enrichment read: absent on the first pass or when it failed.
      const lock = (s.mrApprovalSetting as GlMrApprovalSetting | undefined)?.[spec.settingKey];
      const lockedBy = lock?.locked && lock.inherited_from ? lock.inherited_from : undefined;
      const base = spec.message(s.project.path_with_namespace);
      const companion = spec.companion?.(s.approvals as Partial<GlProjectApprovals>);
      const fixData = { ...(lockedBy ? { locked_by: lockedBy } : {}), ...(companion ? { companion } : {}) };
      return [
        {
          setting: spec.flag,
          expected: spec.expected,
          actual: value,
          message: lockedBy ? `${base}; it is locked by the ${lockedBy} setting, change it on the ${lockedBy}` : base,
          ...(Object.keys(fixData).length > 0 ? { fixData } : {}),
        },
      ];
    },
    fix: (f: Finding): Fix =>
      f.fixData?.locked_by
        ? {
            manual:
              `${spec.flag} is locked by the ${String(f.fixData.locked_by)} setting: a project POST would be answered 201 and ignored (docs/gitlab-behaviour.md, Merge request approvals). ` +
              (f.fixData.locked_by === 'group'
                ? 'Change it with PUT /groups/:id/merge_request_approval_setting on the group.'
                : 'Change it in the instance application settings (admin).'),
          }
        : withCompanion(f, { method: 'POST', path: `/projects/${f.target.id}/approvals`, body: { [spec.flag]: spec.expected } }),
  };
}

function withCompanion(f: Finding, change: Change): Change {
  const c = f.fixData?.companion as { body: Record<string, boolean>; note: string } | undefined;
  return c ? { ...change, body: { ...change.body, ...c.body }, note: c.note } : change;
}

export const authorApproval = defineRule({
  ...common,
  id: 'mr-approvals.author-approval',
  title: 'Authors cannot approve their own merge requests',
  description: 'Self-approval turns a two-person review into one: a compromised account can open and approve its own change.',
  severity: 'medium',
  params: [],
  // Audit::ProjectChangesAuditor logs this column inverted, as "prevent merge request approval from authors".
  audit: approvalFlag('project_merge_requests_author_approval_updated', true),
  guards: { ProjectSecurity: { fields: ['merge_requests_author_approval'], declared: (i) => (i.merge_requests_author_approval === false ? {} : null) } },
  ...flagRule({
    flag: 'merge_requests_author_approval',
    expected: false,
    settingKey: 'allow_author_approval',
    message: (p) => `Authors can approve their own merge requests in project ${p}`,
  }),
});

export const committerApproval = defineRule({
  ...common,
  id: 'mr-approvals.committer-approval',
  title: 'Committers cannot approve merge requests they committed to',
  description: 'A user who added commits to a merge request can otherwise approve it, reviewing their own code.',
  severity: 'medium',
  params: [],
  audit: approvalFlag('project_merge_requests_disable_committers_approval_updated'),
  guards: {
    ProjectSecurity: {
      fields: ['merge_requests_disable_committers_approval'],
      declared: (i) => (i.merge_requests_disable_committers_approval === true ? {} : null),
    },
  },
  ...flagRule({
    flag: 'merge_requests_disable_committers_approval',
    expected: true,
    settingKey: 'allow_committer_approval',
    message: (p) => `Committers can approve merge requests they committed to in project ${p}`,
  }),
});

export const resetOnPush = defineRule({
  ...common,
  id: 'mr-approvals.reset-on-push',
  title: 'Approvals are reset when new commits are pushed',
  description: 'Without a reset, commits pushed after approval are merged under an approval that never saw them.',
  severity: 'medium',
  params: [],
  audit: approvalFlag('project_reset_approvals_on_push_updated'),
  guards: { ProjectSecurity: { fields: ['reset_approvals_on_push'], declared: (i) => (i.reset_approvals_on_push === true ? {} : null) } },
  ...flagRule({
    flag: 'reset_approvals_on_push',
    expected: true,
    settingKey: 'retain_approvals_on_push',
    message: (p) => `Approvals are kept when new commits are pushed in project ${p}`,
    // MergeRequest::ApprovalRemovalSettings: reset_approvals_on_push true is refused (400) while
    // selective_code_owner_removals is true, so the fix turns that one off in the same write.
    companion: (a) =>
      a.selective_code_owner_removals
        ? {
            body: { selective_code_owner_removals: false },
            note:
              'also sets selective_code_owner_removals to false: GitLab refuses reset_approvals_on_push while it is on ' +
              '(MergeRequest::ApprovalRemovalSettings, see docs/gitlab-behaviour.md, Merge request approvals)',
          }
        : undefined,
  }),
});

export const overrideInMr = defineRule({
  ...common,
  id: 'mr-approvals.override-in-mr',
  title: 'Approval rules cannot be overridden per merge request',
  description: 'When authors can edit approval rules in their merge request, they can lower the approvals or pick their own approvers.',
  severity: 'medium',
  params: [],
  audit: approvalFlag('project_disable_overriding_approvers_per_merge_request_updated'),
  guards: {
    ProjectSecurity: {
      fields: ['disable_overriding_approvers_per_merge_request'],
      declared: (i) => (i.disable_overriding_approvers_per_merge_request === true ? {} : null),
    },
  },
  ...flagRule({
    flag: 'disable_overriding_approvers_per_merge_request',
    expected: true,
    settingKey: 'allow_overrides_to_approver_list_per_merge_request',
    message: (p) => `Approval rules can be overridden in each merge request in project ${p}`,
  }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [minApprovals, authorApproval, committerApproval, resetOnPush, overrideInMr] as const;
