// Waiver expiry and matching, shared by the loader (reject or mark past-due waivers) and the evaluator.
import { matchesPath, matchesRuleId } from '../../lib/globs';
import type { Waiver } from '../../model/baseline';

/**
 * `expires: 2027-03-01` means the waiver applies up to the start of that day (UTC) and not on it: the
 * stricter reading, so a waiver never outlives the date a reviewer wrote down.
 */
export function isWaiverExpired(expires: string, now: Date | string): boolean {
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  return at >= Date.parse(`${expires}T00:00:00Z`);
}

/** The one finding (or, with neither key, the whole rule on the target) a waiver is asked about. */
export interface WaiverScope {
  object?: string;
  branch?: string;
}

/**
 * Does the waiver's `object`/`branch` take in this scope? A waiver without them covers every finding of the rule;
 * with them, only the finding naming the same object / branch, so a second hook or a new branch stays reported.
 * Asked about the whole target (no scope), a narrowed waiver does not cover it.
 */
export function waiverCovers(w: Pick<Waiver, 'object' | 'branch'>, scope: WaiverScope): boolean {
  return (w.object === undefined || w.object === scope.object) && (w.branch === undefined || w.branch === scope.branch);
}

/** The first waiver that covers this rule on this target (and object/branch) and is still in force at `now`. */
export function findWaiver(waivers: readonly Waiver[], ruleId: string, targetPath: string, now: string, scope: WaiverScope = {}): Waiver | undefined {
  return waivers.find(
    (w) =>
      !w.expired &&
      !isWaiverExpired(w.expires, now) &&
      matchesRuleId(w.rule, ruleId) &&
      matchesPath(w.target, targetPath) &&
      waiverCovers(w, scope),
  );
}
