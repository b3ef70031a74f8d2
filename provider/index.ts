// The Pulumi face: dynamic GitLab resources, the program's logic and the shared rule guards.
export { GroupSecurity, ProjectSecurity, ProtectedBranch, ApprovalRule, Webhook, VariableProtection, RESOURCE_CLASSES, type Args, type OutputsFor } from './resources';
export { declarePosture, runProgram, type DeclareOptions, type ProgramSummary, type TargetSummary } from './program';
export { providerFor, RUNTIME_FILE } from './serializable';
export { GUARDS, judge, subjectOf, targetOf, fieldsOf, type Drift, type LiveOf, type RuleGuard } from './judge';
export * from './types';
