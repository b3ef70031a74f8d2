// Sigma subset over GitLab audit events: load rules, match events. Pure apart from reading rule files.
export { matchEvent } from './match';
export { compileRule } from './compile';
export { parseRule, loadRuleFile, loadRuleDir, loadRules, BUILTIN_RULES_DIR, type LoadedRules } from './load';
export { RuleLoadError } from './errors';
export { fieldValue, wildcardRegExp, SUPPORTED_MODIFIERS } from './fields';
export { SIGMA_LEVELS, SIGMA_STATUSES, levelRank, type SigmaLevel, type SigmaStatus, type CompiledRule, type RuleMeta, type RuleLoadProblem, type AuditEventLike, type EventPredicate } from './types';
