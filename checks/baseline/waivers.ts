// Waiver expiry and matching, shared by the loader (reject or mark past-due waivers) and the evaluator.
import { matchesPath, matchesRuleId } from '../globs';
import type { Waiver } from './types';

/**
 * `expires: 2027-03-01` means the waiver applies up to the start of that day (UTC) and not on it: the
 * stricter reading, so a waiver never outlives the date a reviewer wrote down.
 */
export function isWaiverExpired(expires: string, now: Date | string): boolean {
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  return at >= Date.parse(`${expires}T00:00:00Z`);
}

/** The first waiver that covers this rule on this target and is still in force at `now`. */
export function findWaiver(waivers: readonly Waiver[], ruleId: string, targetPath: string, now: string): Waiver | undefined {
  return waivers.find(
    (w) => !w.expired && !isWaiverExpired(w.expires, now) && matchesRuleId(w.rule, ruleId) && matchesPath(w.target, targetPath),
  );
}
