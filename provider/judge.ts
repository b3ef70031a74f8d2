// One place that says which catalog rule guards which resource input, and judges a resource with the rule's own
// `evaluate` (policies/). The provider's diff judges live GitLab values against the declared inputs (a stricter
// live value gives no finding, so it is never "fixed" back to a weaker one); the CrossGuard pack judges the
// declared inputs against the baseline's parameters. Both therefore agree with `gitlab-posture check`.
import type { Finding, TargetRef } from '../checks/model';
import type { EvalContext, FindingDraft, Rule, Subject } from '../policies/rule';
import { twoFactorGracePeriod, twoFactorRequired } from '../policies/two-factor';
import { visibilityGroup, visibilityProject } from '../policies/visibility';
import { downloadLimit } from '../policies/git-abuse';
import { jobTokenScope, maskedVariables, publicJobs } from '../policies/ci';
import { authorApproval, committerApproval, minApprovals, overrideInMr, resetOnPush } from '../policies/mr-approvals';
import { codeOwnerApproval, defaultProtected, forcePush, merge, push } from '../policies/protected-branches';
import { sslVerification } from '../policies/webhooks';
import type {
  ApprovalRuleInputs,
  GroupSecurityInputs,
  InputsOf,
  ProjectSecurityInputs,
  ProtectedBranchInputs,
  ResourceType,
  VariableProtectionInputs,
  WebhookInputs,
} from './types';
import type { LiveOf } from './live';

export type { LiveOf };

/**
 * One rule guarding some inputs of one resource type.
 * `fields`: the inputs the rule judges (CrossGuard applies the rule when they are all declared).
 * `declared`: the rule's parameters as the inputs declare them, or null when the inputs do not ask for it.
 * `settings`: which finding settings belong to this resource (a rule may report more, e.g. plain-HTTP hooks).
 */
export interface RuleGuard<T extends ResourceType = ResourceType> {
  rule: Rule;
  fields: (keyof InputsOf[T] & string)[];
  declared: (inputs: InputsOf[T]) => Record<string, unknown> | null;
  settings?: string[];
}

const PB_OPEN = { allow_deploy_key_push: true } as const;

export const GUARDS: { [T in ResourceType]: RuleGuard<T>[] } = {
  GroupSecurity: [
    { rule: twoFactorRequired, fields: ['require_two_factor_authentication'], declared: (i) => (i.require_two_factor_authentication === true ? {} : null) },
    {
      rule: twoFactorGracePeriod,
      fields: ['two_factor_grace_period'],
      declared: (i) => (i.two_factor_grace_period !== undefined ? { max_grace_period: i.two_factor_grace_period } : null),
    },
    { rule: visibilityGroup, fields: ['visibility'], declared: (i) => (i.visibility ? { max_group_visibility: i.visibility, max_project_visibility: 'public' } : null) },
    {
      rule: downloadLimit,
      fields: ['unique_project_download_limit', 'unique_project_download_limit_interval_in_seconds', 'auto_ban_user_on_excessive_projects_download'],
      declared: (i) =>
        i.unique_project_download_limit !== undefined && i.unique_project_download_limit_interval_in_seconds !== undefined
          ? {
              max_download_limit: i.unique_project_download_limit,
              max_interval_seconds: i.unique_project_download_limit_interval_in_seconds,
              auto_ban: i.auto_ban_user_on_excessive_projects_download === true,
            }
          : null,
    },
  ],
  ProjectSecurity: [
    { rule: visibilityProject, fields: ['visibility'], declared: (i) => (i.visibility ? { max_group_visibility: 'public', max_project_visibility: i.visibility } : null) },
    { rule: publicJobs, fields: ['public_jobs'], declared: (i) => (i.public_jobs === false ? {} : null) },
    { rule: jobTokenScope, fields: ['ci_inbound_job_token_scope_enabled'], declared: (i) => (i.ci_inbound_job_token_scope_enabled === true ? {} : null) },
    { rule: authorApproval, fields: ['merge_requests_author_approval'], declared: (i) => (i.merge_requests_author_approval === false ? {} : null) },
    { rule: committerApproval, fields: ['merge_requests_disable_committers_approval'], declared: (i) => (i.merge_requests_disable_committers_approval === true ? {} : null) },
    { rule: resetOnPush, fields: ['reset_approvals_on_push'], declared: (i) => (i.reset_approvals_on_push === true ? {} : null) },
    {
      rule: overrideInMr,
      fields: ['disable_overriding_approvers_per_merge_request'],
      declared: (i) => (i.disable_overriding_approvers_per_merge_request === true ? {} : null),
    },
  ],
  ProtectedBranch: [
    // The resource exists to protect its branch; a missing protection is created with the declared levels.
    { rule: defaultProtected, fields: ['name'], declared: (i) => branchParams(i) },
    { rule: push, fields: ['push_access_level'], declared: (i) => (i.push_access_level !== undefined ? branchParams(i) : null) },
    { rule: merge, fields: ['merge_access_level'], declared: (i) => (i.merge_access_level !== undefined ? branchParams(i) : null) },
    { rule: forcePush, fields: ['allow_force_push'], declared: (i) => (i.allow_force_push !== undefined ? branchParams(i) : null) },
    { rule: codeOwnerApproval, fields: ['code_owner_approval_required'], declared: (i) => (i.code_owner_approval_required === true ? branchParams(i) : null) },
  ],
  ApprovalRule: [{ rule: minApprovals, fields: ['approvals_required'], declared: (i) => ({ min_approvals: i.approvals_required }) }],
  Webhook: [
    {
      rule: sslVerification,
      fields: ['enable_ssl_verification'],
      declared: (i) => (i.enable_ssl_verification === true ? {} : null),
      // Plain-HTTP hooks are a check finding with a manual fix; the resource manages the verification flag only.
      settings: ['enable_ssl_verification'],
    },
  ],
  VariableProtection: [
    {
      rule: maskedVariables,
      fields: ['masked', 'protected'],
      // The declared key is the only "secret pattern", so the rule judges exactly this variable.
      declared: (i) => (i.masked === true || i.protected === true ? { secret_patterns: [i.key], require_protected: i.protected === true } : null),
    },
  ],
};

/** Undeclared levels default to Maintainer for the POST that protects a missing branch (never weaker). */
function branchParams(i: ProtectedBranchInputs) {
  return {
    branches: [i.name],
    push_access_level: (i.push_access_level ?? 40) as 0 | 30 | 40 | 60,
    merge_access_level: (i.merge_access_level ?? 40) as 0 | 30 | 40 | 60,
    allow_force_push: i.allow_force_push ?? false,
    ...PB_OPEN,
  };
}

/** A rule's finding on a resource: the draft plus what `rule.fix` needs. */
export interface Drift {
  rule: Rule;
  params: Record<string, unknown>;
  finding: Finding;
}

/** Where a resource's findings land: the owner of the settings (fix paths use its numeric id). */
export function targetOf<T extends ResourceType>(type: T, live: LiveOf[T]): TargetRef {
  switch (type) {
    case 'GroupSecurity': {
      const g = (live as LiveOf['GroupSecurity']).group;
      return { kind: 'group', path: g.full_path, id: g.id };
    }
    case 'Webhook':
    case 'VariableProtection':
      return (live as LiveOf['Webhook']).owner;
    default: {
      const p = (live as LiveOf['ProjectSecurity']).project;
      return { kind: 'project', path: p.path_with_namespace, id: p.id };
    }
  }
}

/** The rule Subject for a resource's live objects: only the reads the resource's rules need. */
export function subjectOf<T extends ResourceType>(type: T, live: LiveOf[T]): Subject {
  const target = targetOf(type, live);
  switch (type) {
    case 'GroupSecurity': {
      const { group } = live as LiveOf['GroupSecurity'];
      return { kind: 'group', target, topLevel: group.parent_id === null, group } as unknown as Subject;
    }
    case 'ProjectSecurity': {
      const l = live as LiveOf['ProjectSecurity'];
      return { kind: 'project', target, project: l.project, jobTokenScope: l.jobTokenScope, approvals: l.approvals } as unknown as Subject;
    }
    case 'ProtectedBranch': {
      const l = live as LiveOf['ProtectedBranch'];
      return { kind: 'project', target, project: l.project, protectedBranches: l.branch ? [l.branch] : [] } as unknown as Subject;
    }
    case 'ApprovalRule': {
      const l = live as LiveOf['ApprovalRule'];
      return { kind: 'project', target, project: l.project, approvalRules: l.approvalRules, protectedBranches: l.protectedBranches } as unknown as Subject;
    }
    case 'Webhook': {
      const { hook } = live as LiveOf['Webhook'];
      return ownedSubject(target, { hooks: hook ? [hook] : [] });
    }
    case 'VariableProtection': {
      const { variable } = live as LiveOf['VariableProtection'];
      return ownedSubject(target, { variables: variable ? [variable] : [] });
    }
  }
  throw new Error(`provider/judge.ts: unknown resource type ${String(type)}`);
}

/** A Subject for objects owned by a group or project (hooks, variables): only the owner's path and id are known. */
function ownedSubject(target: TargetRef, objects: Record<string, unknown>): Subject {
  return (target.kind === 'group'
    ? { kind: 'group', target, topLevel: false, group: { full_path: target.path, id: target.id }, ...objects }
    : { kind: 'project', target, project: { path_with_namespace: target.path, id: target.id }, ...objects }) as unknown as Subject;
}

const CTX: EvalContext = { tier: 'ultimate', now: new Date(0).toISOString(), isAdmin: false };

/**
 * Judges live objects with the rules a resource's inputs declare, using `paramsOf` for each rule's parameters
 * (by default the declared inputs, as the provider does; CrossGuard passes the baseline's) or null to skip it. A rule that cannot judge (`skip`: a gated key
 * is absent) gives no drift here; the check command reports such skips.
 */
export function judge<T extends ResourceType>(
  type: T,
  inputs: InputsOf[T],
  live: LiveOf[T],
  paramsOf: (guard: RuleGuard<T>) => Record<string, unknown> | null = (g) => g.declared(inputs),
): Drift[] {
  const subject = subjectOf(type, live);
  const target = targetOf(type, live);
  const out: Drift[] = [];
  for (const guard of GUARDS[type] as RuleGuard<T>[]) {
    const params = paramsOf(guard);
    if (params === null) continue;
    const outcome = guard.rule.evaluate(subject, params as never, CTX);
    if (!Array.isArray(outcome)) continue;
    for (const draft of outcome) {
      if (guard.settings && !guard.settings.includes(draft.setting)) continue;
      out.push({ rule: guard.rule, params, finding: toFinding(guard.rule, target, draft) });
    }
  }
  return out;
}

function toFinding(rule: Rule, target: TargetRef, d: FindingDraft): Finding {
  return { rule: rule.id, area: rule.area, severity: rule.severity, target, revertible: true, waived: false, ...d };
}

/** Input fields a drift concerns (for Pulumi's detailed diff and CrossGuard messages). */
export function fieldsOf(type: ResourceType, d: Drift): string[] {
  const guard = (GUARDS[type] as RuleGuard[]).find((g) => g.rule.id === d.rule.id);
  if (!guard) return [];
  if (guard.fields.length === 1) return guard.fields;
  return guard.fields.filter((f) => d.finding.setting === f);
}

export type { ApprovalRuleInputs, GroupSecurityInputs, ProjectSecurityInputs, ProtectedBranchInputs, VariableProtectionInputs, WebhookInputs };
