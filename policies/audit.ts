// What a rule declares about the audit events that can explain one of its findings: `explain` and `watch` read it
// from the rule (rule.audit). GitLab's event names come from its auditors (Audit::ProjectChangesAuditor,
// Audit::GroupChangesAuditor, ProtectedBranches::*Service, ee/config/audit_events/types/*.yml).

/** The type of a setting as a finding states it (checks/explain/values.ts turns an event's from/to back into it). */
export type ValueKind =
  | 'boolean'
  | 'integer'
  /** Auditors log visibility by level name ("Private"); the setting is the API's lower-case value. */
  | 'visibility'
  /** Protected-branch auditors log access levels humanized (["Maintainers"]); the setting is the levels ([40]). */
  | 'access-levels';

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

/** An audit source, or why no event can explain the rule's findings. */
export type Source = AuditSource | { unavailable: string };

const BRANCH_CREATED = 'protected_branch_created';
export const BRANCH_UPDATED = 'protected_branch_updated';

/** A protected-branch setting: its update events, or the branch being protected with it. */
export const branchEvents = (updated: readonly string[], changes: readonly string[], value: ValueKind): AuditSource => ({
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
export const FORCE_PUSH_EVENTS = ['protected_branch_allow_force_push_updated', BRANCH_UPDATED];
export const CODE_OWNER_EVENTS = ['protected_branch_code_owner_approval_required_updated', BRANCH_UPDATED];

/** A project approval flag, logged by Audit::ProjectChangesAuditor on the project itself. */
export const approvalFlag = (event: string, inverted = false): AuditSource => ({ events: [event], match: 'entity', value: 'boolean', ...(inverted ? { inverted } : {}) });

/** Instance settings are logged as the generic application_setting_updated, the column in details.change. */
export const applicationSetting = (value?: ValueKind): AuditSource => ({
  events: ['application_setting_updated'],
  match: 'entity',
  changeIsSetting: true,
  ...(value ? { value } : {}),
});
