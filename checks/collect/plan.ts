// Which reads a run needs: only those of rules that are enabled, selected by --only, and judgeable at the
// detected tier and role. A read no rule needs is never requested (request budget per project).
import { createHash } from 'node:crypto';
import type { Baseline } from '../../model/baseline';
import type { GitlabInfo } from '../../model/snapshot';
import type { TargetKind, TargetRef } from '../../model/target';
import type { Tier } from '../../gitlab/types';
import { targetTier } from '../../model/tiers';
import { minTierFor, tierAtLeast, type GroupRead, type InstanceRead, type ProjectRead, type Rule } from '../../policies/rule';

export interface ReadPlan {
  project: Set<ProjectRead>;
  group: Set<GroupRead>;
  instance: Set<InstanceRead>;
  /** Reads fetched in a second pass, only for targets with findings of the rule that asks for them. */
  enrich: { project: Map<ProjectRead, Set<string>>; group: Map<GroupRead, Set<string>> };
}

export function isJudgeable(rule: Rule, kind: TargetKind, gitlab: Pick<GitlabInfo, 'tier' | 'isAdmin'>): boolean {
  return tierAtLeast(gitlab.tier, minTierFor(rule, kind)) && (!rule.requiresAdmin || gitlab.isAdmin);
}

export function planReads(rules: readonly Rule[], gitlab: Pick<GitlabInfo, 'tier' | 'isAdmin'>): ReadPlan {
  const plan: ReadPlan = {
    project: new Set(),
    group: new Set(),
    instance: new Set(),
    enrich: { project: new Map(), group: new Map() },
  };
  for (const rule of rules) {
    if (rule.scope.includes('project') && isJudgeable(rule, 'project', gitlab)) {
      for (const r of rule.needs.project ?? []) plan.project.add(r);
      for (const r of rule.enrich?.project ?? []) addTo(plan.enrich.project, r, rule.id);
    }
    if (rule.scope.includes('group') && isJudgeable(rule, 'group', gitlab)) {
      for (const r of rule.needs.group ?? []) plan.group.add(r);
      for (const r of rule.enrich?.group ?? []) addTo(plan.enrich.group, r, rule.id);
    }
    if (rule.scope.includes('instance') && isJudgeable(rule, 'instance', gitlab)) {
      for (const r of rule.needs.instance ?? []) plan.instance.add(r);
    }
  }
  // The project itself comes from the group listing anyway; enrichment already read in pass one is not repeated.
  plan.project.delete('project');
  plan.group.delete('group');
  for (const r of plan.project) plan.enrich.project.delete(r);
  for (const r of plan.group) plan.enrich.group.delete(r);
  return plan;
}

/**
 * Read plans per target: with tiers per top-level namespace (GitlabInfo.namespaces) each target reads what its own
 * namespace's tier lets rules judge, so a Free group is never asked for Premium endpoints (403s, request budget)
 * and an Ultimate one is read in full whatever else the run holds. A namespace whose tier is unknown reads at Free.
 */
export function planReadsFor(rules: readonly Rule[], gitlab: Pick<GitlabInfo, 'tier' | 'tierSource' | 'isAdmin' | 'namespaces'>): (target: Pick<TargetRef, 'kind' | 'path'>) => ReadPlan {
  const byTier = new Map<Tier, ReadPlan>();
  return (target) => {
    const t = targetTier(gitlab, target);
    const tier: Tier = 'tier' in t ? t.tier : 'free';
    let plan = byTier.get(tier);
    if (!plan) byTier.set(tier, (plan = planReads(rules, { ...gitlab, tier })));
    return plan;
  };
}

function addTo<K>(map: Map<K, Set<string>>, key: K, ruleId: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(ruleId);
  map.set(key, set);
}

/** The scope a snapshot's reads are valid for: same GitLab, targets, rule selection, tier and role. */
export function scopeKeyOf(baseline: Pick<Baseline, 'targets'>, gitlab: GitlabInfo, rules: readonly Rule[]): string {
  const plan = planReads(rules, gitlab);
  const key = {
    url: gitlab.url.replace(/\/+$/, ''),
    targets: baseline.targets,
    tier: gitlab.tier,
    ...(gitlab.namespaces ? { namespaces: gitlab.namespaces } : {}),
    isAdmin: gitlab.isAdmin,
    rules: rules.map((r) => r.id).sort(),
    reads: [[...plan.project].sort(), [...plan.group].sort(), [...plan.instance].sort()],
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}
