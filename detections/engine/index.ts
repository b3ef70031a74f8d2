// Sigma subset over GitLab audit events: load rules, match events. Pure apart from reading rule files.
export { evaluateEvent, matchEvent } from './match';
export { RULE_STEP_BUDGET, StepBudget } from './budget';
export { compileRule } from './compile';
export { parseRule, loadRules } from './load';
export { RuleLoadError } from './errors';
export { levelRank, type SigmaLevel, type CompiledRule, type RuleLoadProblem } from './types';
