// Which audit events can explain a finding of each rule (docs/gitlab-behaviour.md, "Audit events"): the one table
// `explain` reads. Typed against RuleId, so a new rule without an entry is a compile error.
import type { RuleId } from '../../policies/rule-ids';
import type { ValueKind } from './values';

/** How an event names the object a finding is about. */
export type ObjectMatch =
  /** The setting lives on the group/project itself: any event of the right name on that entity. */
  | 'entity'
  /** `details.target_details` is the protected branch name (or wildcard pattern). */
  | 'branch'
  /** `details.target_details` is `Hook <id>` (never the URL). */
  | 'hook'
  /** `details.target_details` is the variable key. */
  | 'variable'
  /** `details.target_id` is the approval rule id (the finding's object is `approval rule <id>`). */
  | 'approval-rule';

export interface AuditSource {
  /** Event names that can have changed the setting (the API cannot filter by name: we filter client-side). */
  events: readonly string[];
  match: ObjectMatch;
  /** Accept only events whose `details.change` is one of these (events without a change are kept). */
  changes?: readonly string[];
  /** Per setting of the finding, the `details.change` wordings that change it (rules with several settings). */
  settingChanges?: Readonly<Record<string, readonly string[]>>;
  /** The setting's type: `details.from/to` arrive as strings from the REST API and are turned back into it. */
  value?: ValueKind;
  /** Accept only events whose `details.change` is the finding's setting (instance: `application_setting_updated`). */
  changeIsSetting?: boolean;
  /** `details.from/to` are the negation of the finding's setting (author approval is logged as "prevent …"). */
  inverted?: boolean;
  /** Events that carry no change/from/to but whose name says what they did. */
  implied?: Readonly<Record<string, { from: unknown; to: unknown }>>;
  /** Events that create the object: from is "did not exist" (null), to is the value it has now. */
  creations?: readonly string[];
  /** Said next to a creation event, when GitLab records no later edits of the object. */
  creationNote?: string;
  /** Said next to any event found, when GitLab audits only some ways of changing the setting. */
  note?: string;
  /** Said when no event is found, when GitLab audits only some ways of changing the setting. */
  unauditedPaths?: string;
}

export type Source = AuditSource | { unavailable: string };

const BRANCH_CREATED = 'protected_branch_created';
const BRANCH_UPDATED = 'protected_branch_updated';
const branchEvents = (updated: readonly string[], changes: readonly string[], value: ValueKind): AuditSource => ({
  events: [...updated, BRANCH_CREATED],
  match: 'branch',
  creations: [BRANCH_CREATED],
  changes,
  value,
});
/**
 * Every wording GitLab's protected-branch auditors have used for a push-access change: "allowed to push"
 * (`Audit::ProtectedBranchesChangesAuditor`, `EE::Audit::ProtectedBranchesChangesAuditor`) and, in current
 * versions, the UI's label "allowed to push and merge". Compared case-insensitively.
 */
export const PUSH_ACCESS_CHANGES = ['allowed to push', 'allowed to push and merge'] as const;
export const MERGE_ACCESS_CHANGES = ['allowed to merge'] as const;
/**
 * Force push and code owner changes have their own event names since GitLab 16.x; older auditors logged them as
 * `protected_branch_updated` with the same `change` wording (`EE::Audit::ProtectedBranchesChangesAuditor#event_type`).
 */
const FORCE_PUSH_EVENTS = ['protected_branch_allow_force_push_updated', BRANCH_UPDATED];
const CODE_OWNER_EVENTS = ['protected_branch_code_owner_approval_required_updated', BRANCH_UPDATED];
const approvalFlag = (event: string, inverted = false): AuditSource => ({ events: [event], match: 'entity', value: 'boolean', ...(inverted ? { inverted } : {}) });

export const AUDIT_SOURCES: Record<RuleId, Source> = {
  'two-factor.required': { events: ['group_require_two_factor_authentication_updated'], match: 'entity', value: 'boolean' },
  'two-factor.grace-period': { events: ['group_two_factor_grace_period_updated'], match: 'entity', value: 'integer' },
  // Both auditors log the level's name ("Public"), `Gitlab::VisibilityLevel.level_name`.
  'visibility.group': { events: ['group_visibility_level_updated'], match: 'entity', value: 'visibility' },
  'visibility.project': { events: ['project_visibility_level_updated'], match: 'entity', value: 'visibility' },
  'protected-branches.default-protected': {
    events: ['protected_branch_removed'],
    match: 'branch',
    implied: { protected_branch_removed: { from: true, to: false } },
  },
  'protected-branches.push': branchEvents([BRANCH_UPDATED], PUSH_ACCESS_CHANGES, 'access-levels'),
  'protected-branches.merge': branchEvents([BRANCH_UPDATED], MERGE_ACCESS_CHANGES, 'access-levels'),
  'protected-branches.force-push': branchEvents(FORCE_PUSH_EVENTS, ['allow force push'], 'boolean'),
  'protected-branches.code-owner-approval': branchEvents(CODE_OWNER_EVENTS, ['code owner approval required'], 'boolean'),
  'protected-branches.deploy-key-push': branchEvents([BRANCH_UPDATED], PUSH_ACCESS_CHANGES, 'access-levels'),
  'mr-approvals.min-approvals': {
    events: ['update_approval_rules', 'approval_rule_created'],
    match: 'approval-rule',
    creations: ['approval_rule_created'],
    value: 'integer',
  },
  // Audit::ProjectChangesAuditor logs this column inverted, as "prevent merge request approval from authors".
  'mr-approvals.author-approval': approvalFlag('project_merge_requests_author_approval_updated', true),
  'mr-approvals.committer-approval': approvalFlag('project_merge_requests_disable_committers_approval_updated'),
  'mr-approvals.reset-on-push': approvalFlag('project_reset_approvals_on_push_updated'),
  'mr-approvals.override-in-mr': approvalFlag('project_disable_overriding_approvers_per_merge_request_updated'),
  // No webhook update event exists (docs/gitlab-behaviour.md): the hook's creation is the only record.
  'webhooks.ssl-verification': {
    events: ['webhook_created'],
    match: 'hook',
    creations: ['webhook_created'],
    creationNote: 'GitLab audits no webhook edits: this is the hook being created; a later edit would not show',
  },
  'webhooks.allowed-hosts': {
    events: ['webhook_created'],
    match: 'hook',
    creations: ['webhook_created'],
    creationNote: 'GitLab audits no webhook edits: this is the hook being created; a later edit would not show',
  },
  'git-abuse.download-limit': {
    unavailable: 'GitLab does not audit group Git abuse rate limit settings (no audit event type exists; see docs/gitlab-behaviour.md)',
  },
  // Audited only by the GraphQL mutation (`Mutations::Ci::ProjectCiCdSettingsUpdate`); the REST
  // `PATCH /projects/:id/job_token_scope` goes through `Projects::UpdateService`, which logs nothing.
  'ci.job-token-scope': {
    events: ['secure_ci_job_token_inbound_disabled'],
    match: 'entity',
    implied: { secure_ci_job_token_inbound_disabled: { from: true, to: false } },
    note: 'GitLab audits this setting only when it is changed through GraphQL; a later change through the REST API (PATCH /projects/:id/job_token_scope) would not show',
    unauditedPaths: 'GitLab does not audit changes made through the REST API (PATCH /projects/:id/job_token_scope), only through GraphQL',
  },
  'ci.public-jobs': {
    unavailable: 'GitLab does not audit public_jobs (public pipelines): it is not one of the project settings GitLab audits (see docs/gitlab-behaviour.md)',
  },
  'ci.masked-variables': {
    events: ['ci_variable_created', 'ci_variable_updated', 'ci_group_variable_created', 'ci_group_variable_updated'],
    match: 'variable',
    creations: ['ci_variable_created', 'ci_group_variable_created'],
    // An update names the attribute it changed; a masking change does not explain a protection finding.
    settingChanges: { masked: ['variable masking', 'masked'], protected: ['variable protection', 'protected'] },
    value: 'boolean',
  },
  'projects.forking': { unavailable: 'project feature access levels are audited without a per-setting event name we can match yet' },
  // Audit::ProjectChangesAuditor columns (the sim records the same names).
  'projects.pipeline-must-succeed': { events: ['project_only_allow_merge_if_pipeline_succeeds_updated'], match: 'entity' },
  'projects.discussions-resolved': { events: ['project_only_allow_merge_if_all_discussions_are_resolved_updated'], match: 'entity' },
  'projects.inactive': { unavailable: 'inactivity is the absence of events: there is no change to explain' },
  'projects.deploy-key-write': { unavailable: 'GitLab audits deploy key creation, not later changes of its write access' },
  'push-rules.reject-unsigned-commits': { unavailable: 'push rule changes are audited without the column in a form we match yet' },
  'push-rules.prevent-secrets': { unavailable: 'push rule changes are audited without the column in a form we match yet' },
  'push-rules.member-check': { unavailable: 'push rule changes are audited without the column in a form we match yet' },
  'push-rules.committer-check': { unavailable: 'push rule changes are audited without the column in a form we match yet' },
  'groups.prevent-forking-outside': { unavailable: 'namespace setting changes are audited without an event name we match yet' },
  'groups.project-creation': { events: ['group_project_creation_level_updated'], match: 'entity' },
  'groups.subgroup-creation': { unavailable: 'GitLab does not audit subgroup_creation_level with its own event name' },
  'groups.default-branch-protection': { unavailable: 'namespace setting changes are audited without an event name we match yet' },
  'members.too-many-owners': { unavailable: 'a count of members has no single change to explain' },
  'members.two-factor': { unavailable: "a member's missing 2FA is not a change of a setting" },
  'members.external-elevated': { unavailable: 'member role changes are not matched to findings yet' },
  'instance.signup': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.email-confirmation': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.git-password-auth': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.rate-limits': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.default-branch-protection': { unavailable: 'the finding names a key inside default_branch_protection_defaults, which the audit event reports as a whole' },
  'instance.restricted-public': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.default-visibility': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.local-requests': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.pat-lifetime': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.admin-mode': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.runner-registration-token': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
  'instance.stale-admins': { unavailable: 'inactivity is the absence of events: there is no change to explain' },
  // Instance settings are logged as the generic application_setting_updated, the column in details.change.
  'instance.two-factor-required': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true, value: 'boolean' },
  'instance.two-factor-grace-period': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true, value: 'integer' },
  'instance.git-abuse-download-limit': { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true },
};

export function sourceOf(rule: string): Source {
  return (AUDIT_SOURCES as Record<string, Source | undefined>)[rule] ?? { unavailable: `no audit event is known to change what rule ${rule} checks` };
}
