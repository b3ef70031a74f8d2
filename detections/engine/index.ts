// Sigma subset over GitLab audit events: load rules, match events. Pure apart from reading rule files.
export { evaluateEvent, matchEvent, type EventEvaluation } from './match';
export { BudgetExceeded, RULE_STEP_BUDGET, StepBudget } from './budget';
export { compileRule } from './compile';
export { parseRule, loadRuleFile, loadRuleDir, loadRules, BUILTIN_RULES_DIR, type LoadedRules } from './load';
export { RuleLoadError } from './errors';
export { fieldValue, SUPPORTED_MODIFIERS } from './fields';
export { SIGMA_LEVELS, SIGMA_STATUSES, levelRank, type SigmaLevel, type SigmaStatus, type CompiledRule, type RuleMeta, type RuleLoadProblem, type AuditEventLike, type EventPredicate } from './types';
