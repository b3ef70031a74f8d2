// The one way to run a rule: (rule, target with its reads, params, context) -> verdict. `evaluate` (check, init,
// watch), revert's verification, the Pulumi provider's diff and the CrossGuard pack all call it, so they agree on
// what a rule needs, when it is skipped, how a failed read blocks it and what a finding looks like. Pure.
import type { Tier } from '../gitlab/types';
import type { Finding } from '../model/result';
import type { GitlabInfo, GroupState, InstanceState, ProjectState } from '../model/snapshot';
import type { Read, TargetKind, TargetRef } from '../model/target';
import { minTierFor, tierAtLeast, type FindingDraft, type Rule, type Subject } from './rule';
import { targetTier } from '../model/tiers';

/** A target and its reads (a snapshot state, a re-read, or live objects a resource was read as). */
export type TargetState = InstanceState | GroupState | ProjectState;

export interface RunContext {
  /**
   * The detected tier. Absent only where the caller has gated tiers already: the Pulumi program declares a
   * resource input only when its rule's tier is met, and CrossGuard judges declared inputs with no GitLab to ask.
   */
  tier?: Tier;
  /** Where the tier came from; a guessed one (`build`) gets advice in the skip reason. */
  tierSource?: GitlabInfo['tierSource'];
  /**
   * Tiers per top-level namespace (GitlabInfo.namespaces). When present each target is judged at its own
   * namespace's tier, never at another's: `tier` is then only the instance's (instance rules).
   */
  namespaces?: GitlabInfo['namespaces'];
  isAdmin: boolean;
  /** The clock a rule may use (ISO): the snapshot's time, or the re-read's. */
  now: string;
  /** CE or EE build (fixes differ: a CE protected-branch PATCH drops access levels); absent counts as EE. */
  edition?: 'ce' | 'ee';
  /** The instance is GitLab.com (it refuses access level 60 on protected refs). */
  gitlabCom?: boolean;
}

export type Verdict =
  /** The rule judged the target; no findings means compliant. */
  | { kind: 'judged'; findings: Finding[] }
  /** The rule cannot judge here (tier, admin token, a gated key absent, no allowlist configured…). */
  | { kind: 'skipped'; reason: string }
  /** The rule needs a paid tier and the target's namespace tier could not be told: an error (exit 2), never a skip. */
  | { kind: 'untiered'; message: string }
  /** A read the rule needs failed (`missing`: it was never collected, a collector bug). Never compliant. */
  | { kind: 'unread'; reads: { read: string; message: string; missing: boolean }[] }
  /** The rule threw: it has not judged the target. Never compliant. */
  | { kind: 'failed'; message: string };

/** The read that holds the target itself; every rule on that kind needs it. */
export const BASE_READ: Record<TargetKind, string> = { instance: 'settings', group: 'group', project: 'project' };

/** The reads a rule needs on a target kind, the target's own first. */
export function readsNeeded(rule: Rule, kind: TargetKind): string[] {
  return [...new Set([BASE_READ[kind], ...((rule.needs[kind] as string[] | undefined) ?? [])])];
}

/**
 * The context a target is judged in: with tiers per namespace, the tier of the target's top-level namespace
 * (gitlab/tier.ts targetTier), so `acme/api` gets acme's tier whichever other targets the run has.
 * `undetermined`: that namespace's tier could not be told.
 */
export function contextFor(ctx: RunContext, target: Pick<TargetRef, 'kind' | 'path'>): RunContext & { namespace?: string; undetermined?: string } {
  if (!ctx.namespaces || ctx.tier === undefined) return ctx;
  const t = targetTier({ tier: ctx.tier, tierSource: ctx.tierSource ?? 'build', namespaces: ctx.namespaces }, target);
  if ('undetermined' in t) return { ...ctx, undetermined: t.undetermined };
  return { ...ctx, tier: t.tier, tierSource: t.tierSource, ...(t.namespace !== undefined ? { namespace: t.namespace } : {}) };
}

/** Why the rule cannot be judged on this kind of target in this context, or undefined when it can. */
export function gateOf(rule: Rule, kind: TargetKind, ctx: Pick<RunContext, 'tier' | 'tierSource' | 'isAdmin'> & { namespace?: string }): string | undefined {
  const need = minTierFor(rule, kind);
  if (ctx.tier !== undefined && !tierAtLeast(ctx.tier, need)) {
    // A guessed tier must not pass for a known one: say how to make these rules count.
    const guess = ctx.tierSource === 'build' ? '; the licence could not be read: set gitlab.tier in the baseline or use an admin token' : '';
    // Per-namespace tiers: say whose tier it is, so "requires premium" on one group is not read as the instance's.
    const whose = ctx.namespace !== undefined ? ` for namespace ${ctx.namespace}` : '';
    return `requires ${need} (detected ${ctx.tier}${whose}${guess})`;
  }
  if (rule.requiresAdmin && !ctx.isAdmin) return 'needs an administrator token';
  return undefined;
}

export function runRule(rule: Rule, state: TargetState, params: unknown, runCtx: RunContext): Verdict {
  const { target } = state;
  const ctx = contextFor(runCtx, target);
  // Free rules judge as anywhere (the tier gate always lets them through); a paid one cannot be gated honestly
  // without the namespace's tier.
  if (ctx.undetermined !== undefined && minTierFor(rule, target.kind) !== 'free') return { kind: 'untiered', message: ctx.undetermined };
  const gate = gateOf(rule, target.kind, ctx);
  if (gate !== undefined) return { kind: 'skipped', reason: gate };
  const reads = state as unknown as Record<string, Read<unknown> | undefined>;
  const subject: Record<string, unknown> = { kind: target.kind, target };
  if (target.kind === 'group') subject.topLevel = (state as GroupState).topLevel;
  const unread: { read: string; message: string; missing: boolean }[] = [];
  for (const key of readsNeeded(rule, target.kind)) {
    const read = reads[key];
    if (read === undefined) unread.push({ read: key, message: `read "${key}" was not collected`, missing: true });
    else if (!read.ok) unread.push({ read: key, message: read.error.message, missing: false });
    else subject[key] = read.value;
  }
  if (unread.length > 0) return { kind: 'unread', reads: unread };
  // Enrichment reads are optional by contract: a failed or absent one leaves the key undefined.
  for (const key of (rule.enrich as Record<string, string[] | undefined> | undefined)?.[target.kind] ?? []) {
    const read = reads[key];
    if (read?.ok) subject[key] = read.value;
  }
  let outcome: ReturnType<Rule['evaluate']>;
  try {
    outcome = rule.evaluate(subject as unknown as Subject, params as never, {
      ...(ctx.tier ? { tier: ctx.tier } : {}),
      now: ctx.now,
      isAdmin: ctx.isAdmin,
      ...(ctx.edition ? { edition: ctx.edition } : {}),
      ...(ctx.gitlabCom !== undefined ? { gitlabCom: ctx.gitlabCom } : {}),
    });
  } catch (err) {
    return { kind: 'failed', message: (err as Error).message };
  }
  if (!Array.isArray(outcome)) return { kind: 'skipped', reason: outcome.skip };
  return { kind: 'judged', findings: outcome.map((d) => toFinding(rule, target, d, params)) };
}

function toFinding(rule: Rule, target: TargetRef, draft: FindingDraft, params: unknown): Finding {
  const finding: Finding = {
    rule: rule.id,
    area: rule.area,
    severity: rule.severity,
    target,
    setting: draft.setting,
    ...(draft.branch !== undefined ? { branch: draft.branch } : {}),
    ...(draft.object !== undefined ? { object: draft.object } : {}),
    expected: draft.expected,
    actual: draft.actual,
    message: draft.message,
    revertible: false,
    waived: false,
    // What the rule's fix needs (entry ids, hook URL, variable scope); never printed by reporters.
    ...(draft.fixData !== undefined ? { fixData: draft.fixData } : {}),
  };
  finding.revertible = isRevertible(rule, finding, params);
  return finding;
}

/** Plain `revert` can fix it: the fix is a write (not manual) that deletes nothing. */
function isRevertible(rule: Rule, finding: Finding, params: unknown): boolean {
  try {
    const fix = rule.fix(finding, params as never);
    return 'method' in fix && !fix.destructive;
  } catch {
    return false;
  }
}
