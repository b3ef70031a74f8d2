// Which GitLab we are talking to: version, tier and whether the token is an admin (docs/gitlab-behaviour.md, Tier detection and packaging).
// Called once per run; rules above the detected tier are reported as skipped, never passed or failed.
import type { GitlabInfo } from '../model/snapshot';
import type { GlMetadata, GlNamespace, Tier } from './types';
import { enc, type GitlabClient } from './client';
import { GitlabError } from './errors';

export interface DetectOptions {
  /** The baseline's `gitlab.tier`: when given it wins. */
  baselineTier?: Tier;
  /**
   * Full paths of the target groups and projects. Only their top-level namespaces count: a plan belongs to the
   * top-level namespace (GitLab.com), and licence-gated group keys appear only there, so `acme`, `acme/platform`
   * and `acme/api` all get acme's tier.
   */
  topGroups?: string[];
}

/** A tier that could not be told: no pinned tier, no readable licence, plan or top-level group. Exit 2, never a guess. */
export class TierUndeterminedError extends Error {
  override name = 'TierUndeterminedError';
}

/** `acme/platform/api` -> `acme`; distinct, in first-seen order. */
export function topLevelNamespaces(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('/')[0]!.trim()).filter(Boolean))];
}

const TIER_RANK: Record<Tier, number> = { free: 0, premium: 1, ultimate: 2 };

/**
 * `/license` plans and `/namespaces/:id` `plan` values to our tiers (docs/gitlab-behaviour.md, Tier detection and packaging). Legacy plans:
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

  // GET /application/settings doubles as the "is admin" probe: 403 = not admin (docs/gitlab-behaviour.md, Tier detection and packaging).
  let isAdmin = false;
  try {
    await client.get('/application/settings');
    isAdmin = true;
  } catch (e) {
    if (!isDenied(e)) throw e;
  }

  const edition = isEE ? 'ee' : 'ce';
  const info = (tier: Tier, tierSource: GitlabInfo['tierSource']): GitlabInfo => ({ url: client.url, version, tier, tierSource, isAdmin, edition });

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

  // Per top-level namespace of the targets: its plan (GitLab.com; `plan` is shown to Owners, ee/lib/ee/api/entities
  // Namespace `expose :plan, if: can_admin_namespace`), else on EE the licence-gated keys of that group, which
  // GitLab omits below the top level (ee/lib/ee/api/entities/group_detail.rb). Several namespaces -> the lowest
  // tier, so no rule is evaluated on a namespace whose plan lacks it.
  // A CE build has no paid features at all.
  if (!isEE) return info('free', 'build');
  const roots = topLevelNamespaces(opts.topGroups ?? []);
  let lowest: Tier | undefined;
  let source: GitlabInfo['tierSource'] = 'namespace';
  const unknown: string[] = [];
  for (const root of roots) {
    const found = await namespaceTier(client, root);
    if (!found) {
      // A listed group that cannot be read is an error on that target already (exit 2); only a namespace
      // *above* the targets leaves their tier unknown.
      if (!(opts.topGroups ?? []).includes(root)) unknown.push(root);
      continue;
    }
    if (lowest === undefined || TIER_RANK[found.tier] < TIER_RANK[lowest]) {
      lowest = found.tier;
      source = found.source;
    }
  }
  if (unknown.length > 0) {
    throw new TierUndeterminedError(
      `could not determine the GitLab tier of ${unknown.join(', ')}: the token is not an administrator (no /license), ` +
        `sees no plan on /namespaces/${enc(unknown[0]!)} and cannot read the top-level group. Rules above Free would be ` +
        `skipped without cause, so nothing was checked. Set gitlab.tier (free, premium or ultimate) in the baseline.`,
    );
  }
  if (lowest) return info(lowest, source);

  // CE build, or EE without licence information we could read: Free.
  return info('free', 'build');
}

/** One top-level namespace's tier, or undefined when nothing the token may read tells it. */
async function namespaceTier(client: GitlabClient, root: string): Promise<{ tier: Tier; source: 'namespace' | 'group' } | undefined> {
  try {
    const ns = await client.get<GlNamespace>(`/namespaces/${enc(root)}`);
    const tier = planToTier(ns.plan);
    if (tier) return { tier, source: 'namespace' };
  } catch (e) {
    if (!isDenied(e)) throw e;
  }
  try {
    const group = await client.get<Record<string, unknown>>(`/groups/${enc(root)}`, { with_projects: false });
    // Git-abuse keys -> Ultimate, IP restriction -> Premium; on EE their absence on a readable top-level group is Free.
    const tier: Tier = 'unique_project_download_limit' in group ? 'ultimate' : 'ip_restriction_ranges' in group ? 'premium' : 'free';
    return { tier, source: 'group' };
  } catch (e) {
    if (!isDenied(e)) throw e;
    return undefined;
  }
}

/**
 * GitLab's `Gitlab.com?` (lib/gitlab.rb): the instance at https://gitlab.com or a subdomain of it. GitLab.com
 * refuses some values self-managed accepts, such as access level 60 (instance admins) on protected refs
 * (ProtectedRefAccess.allowed_access_levels).
 */
export function isGitlabCom(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && (u.hostname === 'gitlab.com' || /^[a-z0-9-]+\.gitlab\.com$/.test(u.hostname));
  } catch {
    return false;
  }
}
