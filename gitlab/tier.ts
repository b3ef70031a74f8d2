// Which GitLab we are talking to: version, tier and whether the token is an admin (docs/gitlab-behaviour.md, Tier detection and packaging).
// Called once per run; rules above the detected tier are reported as skipped, never passed or failed.
import { z } from 'zod';
import type { GitlabInfo } from '../model/snapshot';
import { topLevelOf } from '../model/tiers';
import type { GlMetadata, Tier } from './types';
import { enc, type GitlabClient } from './client';
import { GitlabError } from './errors';

export interface DetectOptions {
  /** The baseline's `gitlab.tier`: when given it wins, for every target. */
  baselineTier?: Tier;
  /**
   * Full paths of the target groups and projects. Only their top-level namespaces count: a plan belongs to the
   * top-level namespace (GitLab.com), and licence-gated group keys appear only there, so `acme`, `acme/platform`
   * and `acme/api` all get acme's tier, whichever other targets the baseline lists.
   */
  topGroups?: string[];
}

/** `acme/platform/api` -> `acme`; distinct, in first-seen order. */
export { topLevelOf };

export function topLevelNamespaces(paths: readonly string[]): string[] {
  return [...new Set(paths.map(topLevelOf).filter(Boolean))];
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

// What the tier probes read: only the keys used, checked where they are read (a `plan` that is not a string, or a
// licence without one, tells nothing and is treated so, never as a tier).
const licenseSchema = z.object({ plan: z.string().optional(), expired: z.boolean().optional() }).loose().nullable();
const namespaceSchema = z.object({ plan: z.string().nullable().optional() }).loose();
const groupSchema = z.object({}).loose();

function parsed<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
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
  const info = (tier: Tier, tierSource: GitlabInfo['tierSource'], namespaces?: GitlabInfo['namespaces']): GitlabInfo => ({
    url: client.url,
    version,
    tier,
    tierSource,
    isAdmin,
    edition,
    ...(namespaces ? { namespaces } : {}),
  });

  if (opts.baselineTier) return info(opts.baselineTier, 'baseline');
  // A CE build has no paid features at all, in any namespace.
  if (!isEE) return info('free', 'build');

  // Self-managed: one licence for every namespace (`License.feature_available?`); only an administrator may read it.
  if (isAdmin && !isGitlabCom(client.url)) {
    try {
      const license = parsed(licenseSchema, await client.get<unknown>('/license'));
      if (license && license.plan) {
        // An expired licence no longer unlocks paid features.
        const tier = license.expired ? 'free' : (planToTier(license.plan) ?? 'free');
        return info(tier, 'license');
      }
    } catch (e) {
      if (!isDenied(e)) throw e;
    }
  }

  // Per top-level namespace of the targets: its plan (GitLab.com, where each top-level group has its own
  // subscription: ee/app/models/ee/namespace.rb `actual_plan`; `plan` is shown to whoever may admin the namespace,
  // ee/lib/ee/api/entities/namespace.rb), else the licence-gated keys of that group, which GitLab shows on the
  // top-level group when its licence or plan has the feature (ee/lib/ee/api/entities/group_detail.rb). Each target
  // is then judged at its own namespace's tier: one namespace's plan never lowers or raises another's.
  const namespaces: NonNullable<GitlabInfo['namespaces']> = {};
  for (const root of topLevelNamespaces(opts.topGroups ?? [])) {
    const found = await namespaceTier(client, root);
    namespaces[root] = found ?? {
      undetermined:
        `could not determine the GitLab tier of namespace ${root}: the token is not an administrator (no /license), ` +
        `sees no plan on /namespaces/${enc(root)} and cannot read the top-level group ${root}. Rules above Free were not ` +
        `evaluated on its targets. Set gitlab.tier (free, premium or ultimate) in the baseline, or use a token that owns ${root}.`,
    };
  }
  const known = Object.values(namespaces).filter((n): n is NamespaceTier => 'tier' in n);
  // The run-wide tier is what every determined namespace has at least (older readers of gitlab.tier see no more
  // than any target was judged at); each target's own tier is in `namespaces`.
  const lowest = known.reduce<NamespaceTier | undefined>((low, n) => (low === undefined || TIER_RANK[n.tier] < TIER_RANK[low.tier] ? n : low), undefined);
  if (Object.keys(namespaces).length === 0) return info('free', 'build');
  // One tier for all (self-managed: the licence seen through each group): the run's tier says it all.
  if (known.length === Object.keys(namespaces).length && known.every((n) => n.tier === lowest!.tier)) return info(lowest!.tier, lowest!.tierSource);
  return info(lowest?.tier ?? 'free', lowest?.tierSource ?? 'build', namespaces);
}

export type NamespaceTier = { tier: Tier; tierSource: 'namespace' | 'group' };

/** One top-level namespace's tier, or undefined when nothing the token may read tells it. */
async function namespaceTier(client: GitlabClient, root: string): Promise<NamespaceTier | undefined> {
  try {
    const ns = parsed(namespaceSchema, await client.get<unknown>(`/namespaces/${enc(root)}`));
    const tier = planToTier(ns?.plan);
    if (tier) return { tier, tierSource: 'namespace' };
  } catch (e) {
    if (!isDenied(e)) throw e;
  }
  try {
    const group = parsed(groupSchema, await client.get<unknown>(`/groups/${enc(root)}`, { with_projects: false }));
    if (!group) return undefined;
    // Git-abuse keys -> Ultimate, IP restriction -> Premium; on EE their absence on a readable top-level group is Free.
    const tier: Tier = 'unique_project_download_limit' in group ? 'ultimate' : 'ip_restriction_ranges' in group ? 'premium' : 'free';
    return { tier, tierSource: 'group' };
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
