// Snapshot + baseline -> CheckResult; pure (the clock is snapshot.takenAt). Each (rule, target) is judged by the
// one rule runner (policies/run.ts), as revert's verification, the provider and the CrossGuard pack do. A read that
// failed becomes an error on its target and the rules that needed it are never evaluated there: an unreadable
// target is never reported as compliant.
import { sortResultLists } from './result-order';
import type { Baseline } from '../model/baseline';
import { findWaiver, isWaiverExpired } from './baseline/waivers';
import { matchesRuleId } from '../lib/globs';
import type { CheckResult, Finding, SkippedEntry, TargetErrorEntry } from '../model/result';
import type { GroupState, InstanceState, ProjectState, Snapshot } from '../model/snapshot';
import type { TargetKind, TargetRef } from '../model/target';
import type { Tier } from '../gitlab/types';
import type { Rule } from '../policies/rule';
import { gateOf, runRule, type RunContext } from '../policies/run';
import { isGitlabCom } from '../gitlab/tier';
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

export function evaluate(snapshot: Snapshot, baseline: Baseline, opts: EvaluateOptions = {}): CheckResult {
  const rules = activeRules(opts.rules ?? CATALOG, baseline, opts.only);
  const { tier, tierSource, isAdmin, namespaces } = snapshot.gitlab;
  // With tiers per namespace, runRule judges each target at its own top-level namespace's tier.
  const ctx: RunContext = { tier, tierSource, now: snapshot.takenAt, isAdmin, ...(namespaces ? { namespaces } : {}), ...contextOf(snapshot.gitlab) };
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
    const params = baseline.params[rule.area as Area];
    for (const kind of rule.scope) {
      const targets = statesOf(snapshot, kind);
      if (kind === 'instance' && targets.length === 0) {
        // `check --shard I/N`: instance settings belong to shard 1 alone; the other shards say nothing of them.
        if (snapshot.shard && snapshot.shard.index !== 1) continue;
        // Instance settings are only read when an instance rule can be judged; say why it was not.
        const gate = gateOf(rule, kind, ctx);
        if (gate !== undefined) skipped.push({ rule: rule.id, target: INSTANCE_REF, reason: gate });
        else addReadError(INSTANCE_REF, 'settings:missing', collectorBug('settings', rule.id), rule.id);
        continue;
      }
      for (const state of targets) {
        const verdict = runRule(rule, state, params, ctx);
        const target = state.target;
        switch (verdict.kind) {
          case 'skipped':
            skipped.push({ rule: rule.id, target, reason: verdict.reason });
            break;
          case 'unread':
            for (const r of verdict.reads) {
              if (r.missing) addReadError(target, `${r.read}:missing`, collectorBug(r.read, rule.id), rule.id);
              else addReadError(target, r.read, r.message, rule.id);
            }
            break;
          case 'untiered':
            // The namespace's tier is unknown: its paid rules are not skipped silently but reported, one error per target.
            addReadError(target, 'tier:undetermined', verdict.message, rule.id);
            break;
          case 'failed':
            // A rule that crashes has not judged the target: an error (exit 2), never a pass.
            errors.push({ target, message: `rule ${rule.id} failed: ${verdict.message} (a gitlab-posture bug: please report it)`, rules: [rule.id] });
            break;
          case 'judged':
            for (const finding of verdict.findings) {
              const waiver = findWaiver(baseline.waivers, rule.id, target.path, ctx.now, { object: finding.object, branch: finding.branch });
              if (waiver) {
                finding.waived = true;
                finding.waiver = { reason: waiver.reason, expires: waiver.expires };
              }
              findings.push(finding);
            }
            evaluated.push({ rule: rule.id, target });
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
    gitlab: {
      url: snapshot.gitlab.url,
      version: snapshot.gitlab.version,
      tier: snapshot.gitlab.tier,
      ...(namespaces ? { namespaceTiers: namespaceTiersOf(namespaces) } : {}),
    },
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


function collectorBug(read: string, ruleId: string): string {
  return `read "${read}" needed by ${ruleId} was not collected (a gitlab-posture collector bug: please report it); the rules listed were not evaluated on this target`;
}


/** What rules learn of the instance besides tier and role: the edition and whether it is GitLab.com. */
export function contextOf(gitlab: Pick<Snapshot['gitlab'], 'url' | 'edition'>): Pick<RunContext, 'edition' | 'gitlabCom'> {
  return { ...(gitlab.edition ? { edition: gitlab.edition } : {}), ...(isGitlabCom(gitlab.url) ? { gitlabCom: true } : {}) };
}

/** The tier each top-level namespace was judged at (those whose tier could not be told are errors on their targets). */
function namespaceTiersOf(namespaces: NonNullable<Snapshot['gitlab']['namespaces']>): Record<string, Tier> {
  return Object.fromEntries(Object.entries(namespaces).flatMap(([root, n]) => ('tier' in n ? [[root, n.tier] as const] : [])));
}
