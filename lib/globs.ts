// Globs on GitLab full paths (`acme/sandbox/**`) and rule ids (`webhooks.*`), used by targets.exclude,
// waivers and --only. A malformed glob would silently match as a literal (or nothing), so a typo would
// quietly exclude nothing: isValidGlob/globProblem reject them before anything runs.
import picomatch from 'picomatch';
import { PathGlob } from './path-glob';

// GitLab resolves full paths case-insensitively (`Acme/Web` and `acme/web` are the same project), so a
// baseline written in another case must still match; a path segment may start with a dot. Matching is
// lib/path-glob.ts (linear); picomatch only scans a glob to tell a pattern from a plain name.
const compiled = new Map<string, PathGlob>();

function matcherFor(glob: string): (s: string) => boolean {
  let m = compiled.get(glob);
  if (!m) {
    m = new PathGlob(glob);
    if (compiled.size < 10_000) compiled.set(glob, m);
  }
  return (s) => m.test(s);
}

/**
 * Does `glob` match the full path of a group or project? `*` stays within one path segment, `**` spans any
 * number of them, and `acme/sandbox/**` also matches `acme/sandbox` itself.
 */
export function matchesPath(glob: string, fullPath: string): boolean {
  return matcherFor(glob)(fullPath);
}

/** Does a rule-id glob (`webhooks.*`, `protected-branches.force-push`, `*`) match the id? */
export function matchesRuleId(glob: string, id: string): boolean {
  return matcherFor(glob)(id);
}

/** Whether `pattern` uses glob syntax (so an unknown value is a pattern to match, not a misspelt name). */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** Why a glob is unusable, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'an empty glob matches nothing';
  if (glob !== glob.trim()) return 'leading or trailing spaces are never part of a GitLab path';
  if (glob.startsWith('/') || glob.endsWith('/')) return 'a full path has no leading or trailing "/" (write acme/web)';
  if (glob.includes('//')) return 'empty path segment ("//")';
  let square = 0;
  let curly = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') square++;
    else if (c === ']') square--;
    else if (c === '{') curly++;
    else if (c === '}') curly--;
    if (square < 0) return 'unbalanced "]"';
    if (curly < 0) return 'unbalanced "}"';
  }
  if (square > 0) return 'unbalanced "["';
  if (curly > 0) return 'unbalanced "{"';
  return undefined;
}

export function isValidGlob(glob: string): boolean {
  return globProblem(glob) === undefined;
}

/** The path and every ancestor path: `a/b/c` -> [`a/b/c`, `a/b`, `a`]. */
export function selfAndAncestors(fullPath: string): string[] {
  const parts = fullPath.split('/');
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Is the path excluded? An exclude glob that matches a group also excludes everything under it: writing
 * `acme/sandbox` means the sandbox subtree, not only the group object (same as `acme/sandbox/**`).
 */
export function isExcluded(exclude: readonly string[], fullPath: string): boolean {
  const paths = selfAndAncestors(fullPath);
  return exclude.some((glob) => paths.some((p) => matchesPath(glob, p)));
}
