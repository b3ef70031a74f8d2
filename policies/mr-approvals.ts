// Merge-request approvals (Premium, gitlab-api.md §3.6). `min-approvals` counts only approval rules that apply
// to the default branch; the project flags come from GET /projects/:id/approvals, whose names are inverted
// relative to the settings API for three of them. The settings API (read only where a flag is off, `enrich`)
// tells whether the group or instance locks a flag: then POST /projects/:id/approvals answers 201 and keeps
// the old value (quirk 1), so the fix is manual.
import type { GlApprovalRule, GlMrApprovalSetting, GlProjectApprovals, GlProtectedBranch } from '../gitlab/types';
import type { Finding } from '../checks/model';
import { approvalFlag } from './audit';
import { defineRule, type Fix, type FindingDraft, type Subject } from './rule';
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
  if (rule.protected_branches.length > 0) return rule.protected_branches.some((p) => branchMatches(p.name, branch));
  return true;
}

/** Rules whose approvals gate merging: report_approver and code_owner rules are conditional, so they don't count. */
function countsTowardMinimum(rule: GlApprovalRule): boolean {
  return rule.rule_type === 'regular' || rule.rule_type === 'any_approver';
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
    // The strongest covering rule decides; rules scoped to other branches say nothing about this one.
    const best = covering.reduce<GlApprovalRule | undefined>((a, r) => (!a || r.approvals_required > a.approvals_required ? r : a), undefined);
    const actual = best?.approvals_required ?? 0;
    if (actual >= params.min_approvals) return [];
    return [
      {
        setting: 'approvals_required',
        branch,
        expected: params.min_approvals,
        actual,
        message: best
          ? `Merge requests to ${branch} in project ${s.project.path_with_namespace} need ${actual} approval(s) (rule "${best.name}"); the baseline requires at least ${params.min_approvals}`
          : `No approval rule of project ${s.project.path_with_namespace} applies to ${branch}; the baseline requires at least ${params.min_approvals} approval(s)`,
        ...(best
          ? {
              object: `approval rule ${best.id}`,
              fixData: {
                rule_id: best.id,
                name: best.name,
                applies_to_all_protected_branches: best.applies_to_all_protected_branches,
                user_ids: best.users.map((u) => u.id),
                group_ids: best.groups.map((g) => g.id),
              },
            }
          : {}),
      },
    ];
  },
  fix: (f, params): Fix => {
    const d = f.fixData;
    if (d && typeof d.rule_id === 'number') {
      return {
        method: 'PUT',
        path: `/projects/${f.target.id}/approval_rules/${d.rule_id}`,
        // Always send applies_to_all_protected_branches: omitting it resets it to false on PUT (§3.6), and
        // re-send users/groups, which a PUT otherwise removes.
        body: {
          name: d.name,
          approvals_required: params.min_approvals,
          applies_to_all_protected_branches: d.applies_to_all_protected_branches,
          user_ids: d.user_ids,
          group_ids: d.group_ids,
        },
      };
    }
    // A covering rule was found but its data is gone: a second rule would not raise the first one.
    if (f.object !== undefined) return missingFixData(f, 'the covering approval rule');
    // No branches and applies_to_all_protected_branches false: covers every branch, the default one included.
    return {
      method: 'POST',
      path: `/projects/${f.target.id}/approval_rules`,
      body: { name: 'Any approver', rule_type: 'any_approver', approvals_required: params.min_approvals, applies_to_all_protected_branches: false },
    };
  },
});

type ApprovalFlag = 'merge_requests_author_approval' | 'merge_requests_disable_committers_approval' | 'reset_approvals_on_push' | 'disable_overriding_approvers_per_merge_request';
type SettingKey = Exclude<keyof GlMrApprovalSetting, 'require_reauthentication_to_approve'>;

interface FlagSpec {
  flag: ApprovalFlag;
  expected: boolean;
  /** The same setting in the settings API (§3.6 table), where the lock info lives. */
  settingKey: SettingKey;
  message: (project: string) => string;
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
      return [
        {
          setting: spec.flag,
          expected: spec.expected,
          actual: value,
          message: lockedBy ? `${base}; it is locked by the ${lockedBy} setting, change it on the ${lockedBy}` : base,
          ...(lockedBy ? { fixData: { locked_by: lockedBy } } : {}),
        },
      ];
    },
    fix: (f: Finding): Fix =>
      f.fixData?.locked_by
        ? {
            manual:
              `${spec.flag} is locked by the ${String(f.fixData.locked_by)} setting: a project POST would be ignored (gitlab-api.md §3.6, quirk 1). ` +
              (f.fixData.locked_by === 'group'
                ? 'Change it with PUT /groups/:id/merge_request_approval_setting on the group.'
                : 'Change it in the instance application settings (admin).'),
          }
        : { method: 'POST', path: `/projects/${f.target.id}/approvals`, body: { [spec.flag]: spec.expected } },
  };
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
