// Which GitLab we are talking to: version, tier and whether the token is an admin (gitlab-api.md §2).
// Called once per run; rules above the detected tier are reported as skipped, never passed or failed.
import type { GitlabInfo } from '../model/snapshot';
import type { GlMetadata, GlNamespace, Tier } from './types';
import { enc, type GitlabClient } from './client';
import { GitlabError } from './errors';

export interface DetectOptions {
  /** The baseline's `gitlab.tier`: when given it wins. */
  baselineTier?: Tier;
  /** Full paths of the top-level target groups (GitLab.com: their namespace plan is the tier). */
  topGroups?: string[];
}

const TIER_RANK: Record<Tier, number> = { free: 0, premium: 1, ultimate: 2 };

/**
 * `/license` plans and `/namespaces/:id` `plan` values to our tiers (gitlab-api.md §2). Legacy plans:
 * starter/bronze -> premium, silver -> premium, gold -> ultimate; trials count as the tier they try;
 * `opensource` is GitLab's Ultimate for open-source programs. `default` (self-managed namespace) -> undefined.
 */
export function planToTier(plan: string | null | undefined): Tier | undefined {
  if (!plan) return undefined;
  const p = plan.toLowerCase();
  if (p === 'default') return undefined;
  if (/^(ultimate|gold|opensource)/.test(p)) return 'ultimate';
  if (/^(premium|silver|starter|bronze)/.test(p)) return 'premium';
  if (p === 'free') return 'free';
  return undefined;
}

/** Only "the token may not" answers mean "no info here"; anything else (401, 5xx after retries) is a real error. */
function isDenied(e: unknown): boolean {
  return e instanceof GitlabError && (e.status === 403 || e.status === 404);
}

export async function detectGitlab(client: GitlabClient, opts: DetectOptions = {}): Promise<GitlabInfo> {
  // /metadata (15.2+) also says whether this is an EE build; older instances only have /version.
  let version: string;
  let enterprise: boolean | undefined;
  try {
    const meta = await client.get<GlMetadata>('/metadata');
    version = meta.version;
    enterprise = meta.enterprise;
  } catch (e) {
    if (!isDenied(e)) throw e;
    version = (await client.get<{ version: string }>('/version')).version;
  }
  const isEE = enterprise ?? /-ee\b/.test(version);

  // GET /application/settings doubles as the "is admin" probe: 403 = not admin (§2).
  let isAdmin = false;
  try {
    await client.get('/application/settings');
    isAdmin = true;
  } catch (e) {
    if (!isDenied(e)) throw e;
  }

  const info = (tier: Tier, tierSource: GitlabInfo['tierSource']): GitlabInfo => ({ url: client.url, version, tier, tierSource, isAdmin });

  if (opts.baselineTier) return info(opts.baselineTier, 'baseline');

  if (isAdmin && isEE) {
    try {
      const license = await client.get<{ plan?: string; expired?: boolean } | null>('/license');
      if (license && license.plan) {
        // An expired licence no longer unlocks paid features.
        const tier = license.expired ? 'free' : (planToTier(license.plan) ?? 'free');
        return info(tier, 'license');
      }
    } catch (e) {
      if (!isDenied(e)) throw e;
    }
  }

  // GitLab.com: the plan of each top-level group; several groups -> the lowest, so no rule is evaluated
  // on a group whose plan lacks it.
  let lowest: Tier | undefined;
  for (const group of opts.topGroups ?? []) {
    try {
      const ns = await client.get<GlNamespace>(`/namespaces/${enc(group)}`);
      const tier = planToTier(ns.plan);
      if (tier && (lowest === undefined || TIER_RANK[tier] < TIER_RANK[lowest])) lowest = tier;
    } catch (e) {
      if (!isDenied(e)) throw e;
    }
  }
  if (lowest) return info(lowest, 'namespace');

  // Self-managed without an admin token: licence-gated keys of the top-level group itself tell the tier,
  // because GitLab omits them below it (gitlab-api.md §2): Git-abuse keys -> Ultimate, IP restriction ->
  // Premium. Absence proves nothing (role or feature flag), so with no group to read we fall through.
  if (isEE) {
    let inferred: Tier | undefined;
    for (const path of opts.topGroups ?? []) {
      try {
        const group = await client.get<Record<string, unknown>>(`/groups/${enc(path)}`, { with_projects: false });
        const tier: Tier = 'unique_project_download_limit' in group ? 'ultimate' : 'ip_restriction_ranges' in group ? 'premium' : 'free';
        if (inferred === undefined || TIER_RANK[tier] < TIER_RANK[inferred]) inferred = tier;
      } catch (e) {
        if (!isDenied(e)) throw e;
      }
    }
    if (inferred) return info(inferred, 'group');
  }

  // CE build, or EE without licence information we could read: Free.
  return info('free', 'build');
}
