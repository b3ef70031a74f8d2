// Snapshot + baseline -> CheckResult; pure (the clock is snapshot.takenAt). The CLI, the Pulumi provider and
// the CrossGuard pack all call this one function. A read that failed becomes an error on its target and the
// rules that needed it are never evaluated there: an unreadable target is never reported as compliant.
import { sortResultLists } from './result-order';
import type { Baseline } from './baseline/types';
import { findWaiver, isWaiverExpired } from './baseline/waivers';
import { matchesRuleId } from './globs';
import type {
  CheckResult,
  Finding,
  GroupState,
  InstanceState,
  ProjectState,
  Read,
  SkippedEntry,
  Snapshot,
  TargetErrorEntry,
  TargetKind,
  TargetRef,
} from './model';
import { minTierFor, tierAtLeast, type EvalContext, type Rule, type Subject } from '../policies/rule';
import { isRuleId } from '../policies/rule-ids';
import { CATALOG } from '../policies/catalog';
import type { Area } from '../policies/params';

export interface EvaluateOptions {
  /** The rule catalog: policies/catalog.ts CATALOG unless given (tests pass small fake rules). */
  rules?: readonly Rule[];
  /** Rule-id globs from --only. */
  only?: readonly string[];
}

/** --only names a rule that does not exist: running nothing would look like a clean run. */
export class UnknownRuleError extends Error {
  readonly globs: string[];
  constructor(globs: string[]) {
    super(
      `--only ${globs.map((g) => JSON.stringify(g)).join(', ')}: matches no rule. ` +
        'List the rule ids with `gitlab-posture rules`; globs like `webhooks.*` select an area.',
    );
    this.name = 'UnknownRuleError';
    this.globs = globs;
  }
}

/**
 * The rules a run evaluates: on in the baseline (profile ⊕ `rules:`) and selected by --only. The collector
 * plans its reads from the same list. Throws UnknownRuleError when an --only glob matches no rule at all.
 */
export function activeRules(rules: readonly Rule[], baseline: Pick<Baseline, 'enabled'>, only?: readonly string[]): Rule[] {
  if (only && only.length > 0) {
    const unmatched = only.filter((g) => !rules.some((r) => matchesRuleId(g, r.id)));
    if (unmatched.length > 0) throw new UnknownRuleError(unmatched);
  }
  return rules.filter(
    (r) => isEnabled(baseline, r.id) && (!only || only.length === 0 || only.some((g) => matchesRuleId(g, r.id))),
  );
}

function isEnabled(baseline: Pick<Baseline, 'enabled'>, id: string): boolean {
  // A rule the baseline does not know (added to the catalog after the id list) is on: never silently off.
  return isRuleId(id) ? baseline.enabled[id] !== false : true;
}

type AnyState = InstanceState | GroupState | ProjectState;

/** The read that holds the target itself; every rule on that kind needs it. */
const BASE_READ: Record<TargetKind, string> = { instance: 'settings', group: 'group', project: 'project' };

export function evaluate(snapshot: Snapshot, baseline: Baseline, opts: EvaluateOptions = {}): CheckResult {
  const rules = activeRules(opts.rules ?? CATALOG, baseline, opts.only);
  const { tier, isAdmin } = snapshot.gitlab;
  const ctx: EvalContext = { tier, now: snapshot.takenAt, isAdmin };
  const findings: Finding[] = [];
  const skipped: SkippedEntry[] = [];
  // Every (rule, target) actually judged, so JUnit can list passing cases too.
  const evaluated: { rule: string; target: TargetRef }[] = [];
  const errors: TargetErrorEntry[] = snapshot.errors.map((e) => ({ ...e }));
  // One error per target + read, listing every rule that could not be evaluated because of it.
  const readErrors = new Map<string, TargetErrorEntry>();
  const addReadError = (target: TargetRef, key: string, message: string, ruleId: string) => {
    const k = `${target.kind}\u0000${target.path}\u0000${target.id}\u0000${key}`;
    const entry = readErrors.get(k) ?? { target, message, rules: [] };
    if (!entry.rules!.includes(ruleId)) entry.rules!.push(ruleId);
    readErrors.set(k, entry);
  };

  for (const rule of rules) {
    for (const kind of rule.scope) {
      const needTier = minTierFor(rule, kind);
      const judgeable = tierAtLeast(tier, needTier) && (!rule.requiresAdmin || isAdmin);
      const targets = statesOf(snapshot, kind);
      if (kind === 'instance' && targets.length === 0) {
        // `check --shard I/N`: instance settings belong to shard 1 alone; the other shards say nothing of them.
        if (snapshot.shard && snapshot.shard.index !== 1) continue;
        // Instance settings are only read when an instance rule can be judged; say why it was not.
        if (!judgeable) skipped.push({ rule: rule.id, target: INSTANCE_REF, reason: skipReason(rule, kind, snapshot.gitlab) });
        else addReadError(INSTANCE_REF, 'settings:missing', collectorBug('settings', rule.id), rule.id);
        continue;
      }
      for (const state of targets) {
        if (!judgeable) {
          skipped.push({ rule: rule.id, target: state.target, reason: skipReason(rule, kind, snapshot.gitlab) });
          continue;
        }
        const needed = [...new Set([BASE_READ[kind], ...((rule.needs[kind] as string[] | undefined) ?? [])])];
        const subject: Record<string, unknown> = { kind, target: state.target };
        if (kind === 'group') subject.topLevel = (state as GroupState).topLevel;
        let blocked = false;
        for (const key of needed) {
          const read = (state as unknown as Record<string, Read<unknown> | undefined>)[key];
          if (read === undefined) {
            addReadError(state.target, `${key}:missing`, collectorBug(key, rule.id), rule.id);
            blocked = true;
          } else if (!read.ok) {
            addReadError(state.target, key, read.error.message, rule.id);
            blocked = true;
          } else subject[key] = read.value;
        }
        if (blocked) continue;
        // Enrichment reads are optional by contract: a failed or absent one leaves the key undefined.
        for (const key of ((rule.enrich as Record<string, string[] | undefined> | undefined)?.[kind] ?? [])) {
          const read = (state as unknown as Record<string, Read<unknown> | undefined>)[key];
          if (read?.ok) subject[key] = read.value;
        }
        if (judge(rule, subject as unknown as Subject, state.target, baseline, ctx, findings, skipped, errors)) {
          evaluated.push({ rule: rule.id, target: state.target });
        }
      }
    }
  }
  errors.push(...readErrors.values());

  sortResultLists({ findings, skipped, errors, evaluated });

  const expiredWaivers = baseline.waivers
    .filter((w) => w.expired || isWaiverExpired(w.expires, snapshot.takenAt))
    .map((w) => ({ rule: w.rule, target: w.target, reason: w.reason, expires: w.expires }));
  const waived = findings.filter((f) => f.waived).length;
  return {
    schemaVersion: 1,
    gitlab: { url: snapshot.gitlab.url, version: snapshot.gitlab.version, tier: snapshot.gitlab.tier },
    summary: {
      targets: snapshot.groups.length + snapshot.projects.length + (snapshot.instance ? 1 : 0),
      findings: findings.length - waived,
      waived,
      skipped: skipped.length,
      errors: errors.length,
      complete: errors.length === 0,
    },
    findings,
    skipped,
    errors,
    ...(expiredWaivers.length > 0 ? { expiredWaivers } : {}),
    evaluated,
  };
}

const INSTANCE_REF: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

function statesOf(snapshot: Snapshot, kind: TargetKind): AnyState[] {
  if (kind === 'instance') return snapshot.instance ? [snapshot.instance] : [];
  return kind === 'group' ? snapshot.groups : snapshot.projects;
}

function skipReason(rule: Rule, kind: TargetKind, gitlab: Snapshot['gitlab']): string {
  const { tier, isAdmin } = gitlab;
  const need = minTierFor(rule, kind);
  if (!tierAtLeast(tier, need)) {
    // A guessed tier must not pass for a known one: say how to make these rules count.
    const guess = gitlab.tierSource === 'build' ? '; the licence could not be read: set gitlab.tier in the baseline or use an admin token' : '';
    return `requires ${need} (detected ${tier}${guess})`;
  }
  if (rule.requiresAdmin && !isAdmin) return 'needs an administrator token';
  return 'not judgeable';
}

function collectorBug(read: string, ruleId: string): string {
  return `read "${read}" needed by ${ruleId} was not collected (a gitlab-posture collector bug: please report it); the rules listed were not evaluated on this target`;
}

function judge(
  rule: Rule,
  subject: Subject,
  target: TargetRef,
  baseline: Baseline,
  ctx: EvalContext,
  findings: Finding[],
  skipped: SkippedEntry[],
  errors: TargetErrorEntry[],
): boolean {
  const params = baseline.params[rule.area as Area];
  let outcome: ReturnType<Rule['evaluate']>;
  try {
    outcome = rule.evaluate(subject, params as never, ctx);
  } catch (err) {
    // A rule that crashes has not judged the target: an error (exit 2), never a pass.
    errors.push({ target, message: `rule ${rule.id} failed: ${(err as Error).message} (a gitlab-posture bug: please report it)`, rules: [rule.id] });
    return false;
  }
  if (!Array.isArray(outcome)) {
    skipped.push({ rule: rule.id, target, reason: outcome.skip });
    return false;
  }
  for (const draft of outcome) {
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
    const waiver = findWaiver(baseline.waivers, rule.id, target.path, ctx.now, { object: finding.object, branch: finding.branch });
    if (waiver) {
      finding.waived = true;
      finding.waiver = { reason: waiver.reason, expires: waiver.expires };
    }
    findings.push(finding);
  }
  return true;
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
