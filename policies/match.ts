// Branch-pattern and host matching: the only place that decides "does this protection / allowlist entry
// apply". GitLab protected-branch wildcards: `*` matches any string, `/` included (`release/*` matches
// `release/1.0` and `release/foo/bar`); everything else is literal and case-sensitive (GitLab
// ProtectedRef::WildcardMatcher). When several protections match a branch, the most permissive one wins
// (gitlab-org/gitlab#299278, #358910), so every matching protection is judged, not only the exact one.
import { starPattern, type Wildcard } from '../lib/wildcard';
import type { GlProtectedBranch } from '../gitlab/types';

// Patterns come from baselines (editable through merge requests) and names from anyone who can push a branch:
// matched by lib/wildcard.ts in linear time, never by a backtracking regular expression.
const patternCache = new Map<string, Wildcard>();

function globOf(pattern: string, caseInsensitive: boolean): Wildcard {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let w = patternCache.get(key);
  if (!w) {
    w = starPattern(pattern, caseInsensitive);
    if (patternCache.size < 10_000) patternCache.set(key, w);
  }
  return w;
}

export function isWildcard(pattern: string): boolean {
  return pattern.includes('*');
}

/** Does the protected-branch name or wildcard `pattern` apply to branch `name`? */
export function branchMatches(pattern: string, name: string): boolean {
  return isWildcard(pattern) ? globOf(pattern, false).test(name) : pattern === name;
}

/**
 * Does protection `pattern` apply to every branch that `required` (a name or a wildcard) names? Git forbids `*`
 * in branch names, so a `*` of `required` can only be absorbed by a `*` of `pattern`: matching `required` as a
 * literal string is then sound (`*` covers `release/*`, `release/*` covers `release/1.*`).
 */
export function patternCovers(pattern: string, required: string): boolean {
  return branchMatches(pattern, required);
}

/** Do the two names/patterns share a branch in either direction (the protection is relevant to the requirement)? */
export function patternsOverlap(a: string, b: string): boolean {
  return branchMatches(a, b) || branchMatches(b, a);
}

/**
 * The baseline's `branches` param with `default` replaced by the project's default branch (dropped when the
 * project has none: an empty repository has nothing to protect), without duplicates.
 */
export function requiredBranches(branches: readonly string[], defaultBranch: string | null): string[] {
  const out: string[] = [];
  for (const b of branches) {
    const name = b === 'default' ? defaultBranch : b;
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Protections that apply to some required branch or pattern: the ones the protected-branch rules judge. */
export function relevantProtections(
  protections: readonly GlProtectedBranch[],
  branches: readonly string[],
  defaultBranch: string | null,
): GlProtectedBranch[] {
  const required = requiredBranches(branches, defaultBranch);
  return protections.filter((p) => required.some((r) => patternsOverlap(p.name, r)));
}

/**
 * Host glob match for webhook allowlists, case-insensitive: `*` matches any run of characters, dots included
 * (`*.example.com` matches `a.example.com` and `a.b.example.com`, not `example.com`). A glob with a port
 * (`hooks.example.com:8443`) is matched against host:port, otherwise the port is ignored.
 */
export function hostMatches(glob: string, url: URL): boolean {
  const target = /:\d+$/.test(glob) ? hostWithPort(url) : url.hostname;
  return globOf(glob, true).test(target);
}

function hostWithPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return port ? `${url.hostname}:${port}` : url.hostname;
}

/** URL parse that never throws: a hook URL GitLab accepted may still be odd. */
export function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
