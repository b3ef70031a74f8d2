// Judges a resource with the rules that guard its inputs (each rule declares them: rule.guards, policies/). The
// provider's diff judges live GitLab values against the declared inputs (a stricter live value gives no finding, so
// it is never "fixed" back to a weaker one); the CrossGuard pack judges the declared inputs against the user's
// baseline. Both run the rules through the one rule runner (policies/run.ts), as `gitlab-posture check` does.
import type { Finding } from '../model/result';
import type { GroupState, ProjectState } from '../model/snapshot';
import type { Read, TargetRef } from '../model/target';
import type { ResourceGuard, Rule } from '../policies/rule';
import { runRule, type RunContext, type TargetState } from '../policies/run';
import { CATALOG } from '../policies/catalog';
import { RESOURCE_TYPES } from '../model/resources';
import type { ApprovalRuleInputs, GroupSecurityInputs, InputsOf, ProjectSecurityInputs, ProtectedBranchInputs, PushRuleInputs, ResourceType, VariableProtectionInputs, WebhookInputs } from '../model/resources';
import type { LiveOf } from './live';
import { INSTANCE_GUARDS } from './instance-guards';

export type { LiveOf };

/** One rule guarding some inputs of one resource type (the rule's own `guards` entry). */
export interface RuleGuard<T extends ResourceType = ResourceType> extends ResourceGuard<InputsOf[T]> {
  rule: Rule;
}

/** The guards of every resource type, in catalog order, gathered from the rules. */
export const GUARDS = Object.fromEntries(
  RESOURCE_TYPES.map((type) => [
    type,
    CATALOG.flatMap((rule) => {
      const guard = (rule.guards?.[type] ?? (type === 'InstanceSettings' ? INSTANCE_GUARDS[rule.id] : undefined)) as ResourceGuard<InputsOf[typeof type]> | undefined;
      return guard ? [{ rule, ...guard }] : [];
    }),
  ]),
) as unknown as { [T in ResourceType]: RuleGuard<T>[] };

/** The instance, as `check` names it (checks/collect INSTANCE_TARGET). */
export const INSTANCE_TARGET: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

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
    case 'PushRule':
    case 'DeployKey':
      return (live as LiveOf['Webhook']).owner;
    case 'InstanceSettings':
      return INSTANCE_TARGET;
    default: {
      const p = (live as LiveOf['ProjectSecurity']).project;
      return { kind: 'project', path: p.path_with_namespace, id: p.id };
    }
  }
}

const ok = <T>(value: T): Read<T> => ({ ok: true, value });

/** The target state a resource's live objects stand for: only the reads the resource's rules need. */
export function stateOf<T extends ResourceType>(type: T, live: LiveOf[T]): TargetState {
  const target = targetOf(type, live);
  switch (type) {
    case 'GroupSecurity': {
      const { group, ancestors } = live as LiveOf['GroupSecurity'];
      // With its ancestors, as `check` judges it: GitLab's effective 2FA is the group's or any ancestor's.
      return { target, topLevel: group.parent_id === null, group: ok(group), ancestors: ok(ancestors ?? []) };
    }
    case 'ProjectSecurity': {
      const l = live as LiveOf['ProjectSecurity'];
      return {
        target,
        project: ok(l.project),
        ...(l.jobTokenScope ? { jobTokenScope: ok(l.jobTokenScope) } : {}),
        ...(l.approvals ? { approvals: ok(l.approvals) } : {}),
      };
    }
    case 'ProtectedBranch': {
      const l = live as LiveOf['ProtectedBranch'];
      return { target, project: ok(l.project), protectedBranches: ok(l.branch ? [l.branch] : []) };
    }
    case 'ApprovalRule': {
      const l = live as LiveOf['ApprovalRule'];
      return { target, project: ok(l.project), approvalRules: ok(l.approvalRules), protectedBranches: ok(l.protectedBranches) };
    }
    case 'Webhook': {
      const { hook } = live as LiveOf['Webhook'];
      return ownedState(target, { hooks: ok(hook ? [hook] : []) });
    }
    case 'VariableProtection': {
      const { variable } = live as LiveOf['VariableProtection'];
      return ownedState(target, { variables: ok(variable ? [variable] : []) });
    }
    case 'PushRule': {
      // A declared group push rule is the group's own: judged as a top-level group, so a subgroup without a rule of
      // its own is drift here (check leaves it to the ancestor whose rule new projects copy).
      const { rule } = live as LiveOf['PushRule'];
      const state = ownedState(target, { pushRule: ok(rule) });
      return target.kind === 'group' ? { ...state, topLevel: true } as TargetState : state;
    }
    case 'DeployKey': {
      const { key } = live as LiveOf['DeployKey'];
      return ownedState(target, { deployKeys: ok(key ? [key] : []) });
    }
    case 'InstanceSettings':
      return { target, settings: ok((live as LiveOf['InstanceSettings']).settings) };
  }
  throw new Error(`provider/judge.ts: unknown resource type ${String(type)}`);
}

/** A state for objects owned by a group or project (hooks, variables): only the owner's path and id are known. */
function ownedState(target: TargetRef, reads: Partial<GroupState & ProjectState>): TargetState {
  return (target.kind === 'group'
    ? { target, topLevel: false, group: ok({ full_path: target.path, id: target.id }), ...reads }
    : { target, project: ok({ path_with_namespace: target.path, id: target.id }), ...reads }) as unknown as TargetState;
}

/**
 * Judges live objects with the rules a resource's inputs declare, using `paramsOf` for each rule's parameters
 * (by default the declared inputs, as the provider does; CrossGuard passes the baseline's) or null to skip it.
 * The Pulumi program declares an input only when its rule's tier is met, so the context has no tier to gate on.
 * A rule that cannot judge (`skip`: a gated key is absent) gives no drift here; the check command reports such skips.
 */
export function judge<T extends ResourceType>(
  type: T,
  inputs: InputsOf[T],
  live: LiveOf[T],
  paramsOf: (guard: RuleGuard<T>) => Record<string, unknown> | null = (g) => g.declared(inputs),
  // Live instance settings were readable, so the token is an administrator's (instance rules need one).
  ctx: RunContext = { isAdmin: type === 'InstanceSettings', now: new Date().toISOString() },
): Drift[] {
  const state = stateOf(type, live);
  const out: Drift[] = [];
  for (const guard of GUARDS[type] as RuleGuard<T>[]) {
    const params = paramsOf(guard);
    if (params === null) continue;
    const verdict = runRule(guard.rule, state, params, ctx);
    if (verdict.kind === 'failed' || verdict.kind === 'unread') {
      // Live objects read whole, so a missing read is a provider bug; a crash must not pass for "no drift".
      throw new Error(`gitlab-posture provider: rule ${guard.rule.id} could not judge ${type}: ${verdict.kind === 'failed' ? verdict.message : verdict.reads.map((r) => r.message).join('; ')}`);
    }
    if (verdict.kind !== 'judged') continue;
    for (const finding of verdict.findings) {
      if (guard.settings && !guard.settings.includes(finding.setting)) continue;
      // A grace period an enforcing ancestor imposes is that ancestor's setting: its own resource (or `check`) reports
      // it; this group's resource never writes 2FA settings for it.
      if (type === 'GroupSecurity' && typeof finding.fixData?.from_ancestor === 'string') continue;
      out.push({ rule: guard.rule, params, finding });
    }
  }
  return out;
}

/** Input fields a drift concerns (for Pulumi's detailed diff and CrossGuard messages). */
export function fieldsOf(type: ResourceType, d: Drift): string[] {
  const guard = (GUARDS[type] as RuleGuard[]).find((g) => g.rule.id === d.rule.id);
  if (!guard) return [];
  if (guard.fields.length === 1) return guard.fields;
  return guard.fields.filter((f) => d.finding.setting === f);
}

export type { ApprovalRuleInputs, GroupSecurityInputs, ProjectSecurityInputs, ProtectedBranchInputs, PushRuleInputs, VariableProtectionInputs, WebhookInputs };
