// Which tier a target is judged at. Pure: from the run's GitlabInfo (gitlab/tier.ts detects it) and the target's path.
import type { Tier } from '../gitlab/types';
import type { GitlabInfo } from './snapshot';
import type { TargetRef } from './target';

/** The top-level namespace of a group or project path. */
export function topLevelOf(path: string): string {
  return path.split('/')[0]!.trim();
}

/** The tier a target is judged at: its top-level namespace's where tiers are per namespace, else the run's. */
export function targetTier(gitlab: Pick<GitlabInfo, 'tier' | 'tierSource' | 'namespaces'>, target: Pick<TargetRef, 'kind' | 'path'>): { tier: Tier; tierSource: GitlabInfo['tierSource']; namespace?: string } | { undetermined: string } {
  if (!gitlab.namespaces || target.kind === 'instance') return { tier: gitlab.tier, tierSource: gitlab.tierSource };
  const root = topLevelOf(target.path);
  const ns = gitlab.namespaces[root];
  if (!ns) {
    return {
      undetermined: `the GitLab tier of namespace ${root} was not determined (it is not among the baseline's targets). Set gitlab.tier (free, premium or ultimate) in the baseline.`,
    };
  }
  return 'tier' in ns ? { tier: ns.tier, tierSource: ns.tierSource, namespace: root } : ns;
}
