// Finding.fixData carries what a rule's `fix` needs beyond the report fields (model/result.ts). A finding
// without it (an evaluator that dropped it, a report from an older version) must not turn into a blind write:
// an empty PATCH would "succeed" and change nothing, a PUT without `url` would fail, a variable PUT without
// its scope could hit the wrong environment.
import type { Finding } from '../model/result';

export function missingFixData(f: Pick<Finding, 'rule' | 'message'>, what: string): { manual: string } {
  return {
    manual: `The ${f.rule} finding carries no fixData (${what}); run check again and revert from its result, or fix by hand: ${f.message}.`,
  };
}
