// The simulator's in-memory GitLab. Field names are GitLab's (its Grape entities, `lib/api/entities/`); what GitLab keeps but never
// returns (hook tokens, variable values of hidden variables) is stored here and filtered by the routes.
import type {
  GlApplicationSettings,
  GlAuditEvent,
  GlGroup,
  GlHook,
  GlProject,
  GlProjectApprovals,
  GlProtectedBranch,
  GlPushRule,
  GlVariable,
  Tier,
} from '../gitlab/types';

export interface SimUser {
  id: number;
  username: string;
  name: string;
  email: string;
  state: 'active' | 'blocked' | 'deactivated';
  is_admin: boolean;
  /** UserWithAdmin fields (lib/api/entities/user_public.rb, user_with_admin.rb): only administrators see them. */
  two_factor_enabled?: boolean;
  external?: boolean;
  created_at?: string;
  last_sign_in_at?: string | null;
  /** A date (YYYY-MM-DD), as GitLab stores it. */
  last_activity_on?: string | null;
}

export interface SimToken {
  id: number;
  /** The secret; only ever compared, never returned or logged. */
  token: string;
  name: string;
  user_id: number;
  scopes: ('api' | 'read_api' | 'read_user' | 'admin_mode')[];
  revoked: boolean;
  expires_at: string | null;
  created_at: string;
}

export interface SimMember {
  user_id: number;
  /** 10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner. */
  access_level: number;
  /** When the membership was created (Member entity `created_at`). */
  created_at?: string;
}

export interface SimHook extends GlHook {
  /** Write-only secret token (docs/gitlab-behaviour.md, Webhooks): kept, never returned. */
  token?: string;
  url_variable_values?: Record<string, string>;
  custom_header_values?: Record<string, string>;
}

/** The stored form of the merge request approval settings (the /approvals names; docs/gitlab-behaviour.md, Merge request approvals). */
export interface SimApprovalFlags {
  merge_requests_author_approval: boolean;
  merge_requests_disable_committers_approval: boolean;
  disable_overriding_approvers_per_merge_request: boolean;
  reset_approvals_on_push: boolean;
  selective_code_owner_removals: boolean;
  require_password_to_approve: boolean;
}

export interface SimGroup extends GlGroup {
  members: SimMember[];
  hooks: SimHook[];
  variables: GlVariable[];
  /** Group merge_request_approval_setting: values plus which keys the group locks for its projects. */
  approval_settings: SimApprovalFlags;
  approval_locks: Partial<Record<keyof SimApprovalFlags, boolean>>;
  /** Group-level protected branches (Premium, top-level, self-managed; docs/gitlab-behaviour.md, Protected branches). */
  protected_branches: GlProtectedBranch[];
  /** Premium push rule (ee/lib/api/group_push_rule.rb); null when the group has none. */
  push_rule?: GlPushRule | null;
  /**
   * GitLab.com-like sims: the top-level group's subscription plan, which gates its paid features and those of
   * everything under it (ee/app/models/ee/namespace.rb `actual_plan`: a subgroup takes its root's). Absent: the
   * sim's tier. Self-managed sims ignore it: there the licence counts for every namespace.
   */
  plan?: Tier;
  /** Ultimate; audit events stream here when set (issue 9 uses it). */
  streaming_destinations?: { id: number; url: string; verification_token: string }[];
}

export interface SimApprovalRule {
  id: number;
  name: string;
  rule_type: 'regular' | 'any_approver' | 'report_approver' | 'code_owner';
  report_type: string | null;
  approvals_required: number;
  user_ids: number[];
  group_ids: number[];
  protected_branch_ids: number[];
  applies_to_all_protected_branches: boolean;
}

export interface SimJobTokenScope {
  inbound_enabled: boolean;
  outbound_enabled: boolean;
  allowlist: number[];
  groups_allowlist: number[];
}

export interface SimProject extends GlProject {
  members: SimMember[];
  protected_branches: GlProtectedBranch[];
  approvals: SimApprovalFlags & Pick<GlProjectApprovals, 'require_reauthentication_to_approve'>;
  approval_rules: SimApprovalRule[];
  hooks: SimHook[];
  variables: GlVariable[];
  job_token_scope: SimJobTokenScope;
  /** `can_push` is a NOT NULL column (default false), exposed on every key by DeployKeysProject. */
  deploy_keys: { id: number; title: string; can_push: boolean; created_at?: string; fingerprint?: string }[];
  branches: string[];
  /** Premium push rule (ee/lib/api/project_push_rule.rb); null when the project has none. */
  push_rule?: GlPushRule | null;
}

export interface SimState {
  /** Licence tier; `edition: 'ce'` removes EE routes and keys entirely. */
  tier: Tier;
  edition: 'ee' | 'ce';
  version: string;
  revision: string;
  users: SimUser[];
  tokens: SimToken[];
  groups: SimGroup[];
  projects: SimProject[];
  application_settings: GlApplicationSettings;
  audit_events: GlAuditEvent[];
  /** One counter for every id the sim hands out, so ids never collide across kinds. */
  next_id: number;
}

export function nextId(state: SimState): number {
  state.next_id += 1;
  return state.next_id;
}

/** A new push rule with every check off: what POST /push_rule starts from before applying its params. */
export function emptyPushRule(id: number, created: string): GlPushRule {
  return {
    id,
    created_at: created,
    commit_message_regex: null,
    commit_message_negative_regex: null,
    branch_name_regex: null,
    author_email_regex: null,
    file_name_regex: null,
    deny_delete_tag: false,
    member_check: false,
    prevent_secrets: false,
    max_file_size: 0,
    commit_committer_check: false,
    commit_committer_name_check: false,
    reject_unsigned_commits: false,
    reject_non_dco_commits: false,
  };
}
