// The pure matcher shared by `detect` and `watch`: no I/O, no clock. Each (rule, event) evaluation runs on its
// own step budget; a rule that exhausts it is reported as such, never as a silent non-match.
import { BudgetExceeded, RULE_STEP_BUDGET, StepBudget } from './budget';
import type { AuditEventLike, CompiledRule } from './types';

export interface EventEvaluation {
  /** The rules that match, in the order given. */
  matched: CompiledRule[];
  /** Rules whose evaluation ran out of budget on this event: neither matched nor cleared. */
  overBudget: CompiledRule[];
}

export function evaluateEvent(rules: readonly CompiledRule[], event: AuditEventLike, stepLimit = RULE_STEP_BUDGET): EventEvaluation {
  const out: EventEvaluation = { matched: [], overBudget: [] };
  for (const rule of rules) {
    try {
      if (rule.matches(event, new StepBudget(stepLimit))) out.matched.push(rule);
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      out.overBudget.push(rule);
    }
  }
  return out;
}

/** The rules that match one event, in the order given (over-budget rules are left out: see evaluateEvent). */
export function matchEvent(rules: readonly CompiledRule[], event: AuditEventLike): CompiledRule[] {
  return evaluateEvent(rules, event).matched;
}
