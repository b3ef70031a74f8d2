// What a rule declares about the audit events that can explain one of its findings: `explain` and `watch` read it
// from the rule (rule.audit). GitLab's event names come from its auditors (Audit::ProjectChangesAuditor,
// Audit::GroupChangesAuditor, ProtectedBranches::*Service, ee/config/audit_events/types/*.yml).

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
}

/** An audit source, or why no event can explain the rule's findings. */
export type Source = AuditSource | { unavailable: string };

const BRANCH_CREATED = 'protected_branch_created';

/** A protected-branch setting: its update event, or the branch being protected with it. */
export const branchEvents = (updated: string, changes?: readonly string[]): AuditSource => ({
  events: [updated, BRANCH_CREATED],
  match: 'branch',
  creations: [BRANCH_CREATED],
  ...(changes ? { changes } : {}),
});

/** A project approval flag, logged by Audit::ProjectChangesAuditor on the project itself. */
export const approvalFlag = (event: string, inverted = false): AuditSource => ({ events: [event], match: 'entity', ...(inverted ? { inverted } : {}) });

/** Instance settings are logged as the generic application_setting_updated, the column in details.change. */
export const applicationSetting: AuditSource = { events: ['application_setting_updated'], match: 'entity', changeIsSetting: true };
