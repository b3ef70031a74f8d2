// A step budget for one rule evaluation on one event. Matching is linear in the size of the event, but an
// event can be large (streamed by anyone who can reach `watch`) and a rule can hold many values: the budget
// bounds the work per (rule, event) so one evaluation cannot stall `detect` or `watch`. Steps are character
// comparisons, so the bound is deterministic (no clock) and the same on every machine.

/** Enough for ~50 wildcard values against a 1 MB field; real audit events need a few thousand steps. */
export const RULE_STEP_BUDGET = 50_000_000;

export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
  constructor(readonly limit: number) {
    super(`the rule needed more than ${limit.toLocaleString('en-US')} matching steps on this event`);
  }
}

export class StepBudget {
  steps = 0;
  constructor(readonly limit: number = RULE_STEP_BUDGET) {}

  /** Counts `n` steps; throws BudgetExceeded past the limit. */
  spend(n: number): void {
    this.steps += n;
    if (this.steps > this.limit) throw new BudgetExceeded(this.limit);
  }
}
