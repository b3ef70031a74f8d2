// What the collector fills and the evaluator reads: one state per target, each read ok or an error on its target.
// Saved with --save-snapshot; shapes of the JSON report are a contract: extend, never rename.
import type {
  GlAdminUser,
  GlApplicationSettings,
  GlDeployKey,
  GlMember,
  GlPushRule,
  GlApprovalRule,
  GlGroup,
  GlHook,
  GlJobTokenScope,
  GlMrApprovalSetting,
  GlProject,
  GlProjectApprovals,
  GlProtectedBranch,
  GlVariable,
  Tier,
} from '../gitlab/types';
import type { Read, TargetRef } from './target';
import type { TargetErrorEntry } from './result';

export interface InstanceState {
  target: TargetRef; // kind 'instance', path '(instance)', id 0
  settings: Read<GlApplicationSettings>;
  /** GET /users?admins=true (administrator token). */
  admins?: Read<GlAdminUser[]>;
}

export interface GroupState {
  target: TargetRef;
  /** Top-level groups have parent_id null; Git abuse limits live only there. */
  topLevel: boolean;
  group: Read<GlGroup>;
  hooks?: Read<GlHook[]>;
  variables?: Read<GlVariable[]>;
  mrApprovalSetting?: Read<GlMrApprovalSetting>;
  /** null: the group has no push rule (GET answers 404). */
  pushRule?: Read<GlPushRule | null>;
  /** Direct members; 2FA and external flags joined from GET /users when the token is an administrator's. */
  members?: Read<GlMember[]>;
  /**
   * The group's ancestors, nearest first, with their 2FA settings: GitLab enforces 2FA on a member when the group or
   * an ancestor requires it (User#expanded_groups_requiring_two_factor_authentication).
   */
  ancestors?: Read<GlGroupAncestor[]>;
}

/** An ancestor group as the two-factor rules need it (from GET /groups/:id?with_projects=false). */
export type GlGroupAncestor = Pick<GlGroup, 'id' | 'full_path' | 'parent_id' | 'require_two_factor_authentication' | 'two_factor_grace_period'>;

export interface ProjectState {
  target: TargetRef;
  /** From the group project listing (one request per 100 projects), or GET /projects/:id for single projects. */
  project: Read<GlProject>;
  protectedBranches?: Read<GlProtectedBranch[]>;
  approvals?: Read<GlProjectApprovals>;
  approvalRules?: Read<GlApprovalRule[]>;
  mrApprovalSetting?: Read<GlMrApprovalSetting>;
  hooks?: Read<GlHook[]>;
  variables?: Read<GlVariable[]>;
  jobTokenScope?: Read<GlJobTokenScope>;
  /** null: the project has no push rule (GET answers `null`). */
  pushRule?: Read<GlPushRule | null>;
  members?: Read<GlMember[]>;
  deployKeys?: Read<GlDeployKey[]>;
}

export interface GitlabInfo {
  url: string;
  version: string;
  tier: Tier;
  /**
   * Where the tier came from: baseline `gitlab.tier`, `/license`, `/namespaces/:id` plan, licence-gated keys of
   * the top-level group, or the build alone (then rules above Free are skipped with advice to set gitlab.tier).
   */
  tierSource: 'baseline' | 'license' | 'namespace' | 'group' | 'build';
  /**
   * Per top-level namespace of the targets, when tiers are told per namespace (no pinned tier, no readable
   * licence: a GitLab.com plan, or licence-gated keys): each target is judged at its own namespace's tier
   * (gitlab/tier.ts targetTier), and `tier` above is the lowest of them. `undetermined`: nothing the token may read
   * tells it; the paid rules on that namespace's targets are errors (exit 2), never skipped.
   */
  namespaces?: Record<string, { tier: Tier; tierSource: 'namespace' | 'group' } | { undetermined: string }>;
  isAdmin: boolean;
  /**
   * CE or EE build (/metadata `enterprise`, else the version suffix). CE declares fewer write parameters (a
   * protected-branch PATCH drops access-level entries): fixes depend on it. Absent in older snapshots: EE assumed.
   */
  edition?: 'ce' | 'ee';
}

/** Everything the evaluator needs; saved with --save-snapshot, read with --from-snapshot. Never holds a token. */
export interface Snapshot {
  schemaVersion: 1;
  /** The evaluator's clock (waiver expiry, grace periods): evaluation stays pure. */
  takenAt: string;
  gitlab: GitlabInfo;
  instance?: InstanceState;
  groups: GroupState[];
  projects: ProjectState[];
  /** Targets that could not even be resolved (a baseline group that 404s). */
  errors: TargetErrorEntry[];
  /** When the last full pass ran (`check --since-last` reuses reads until --full-every says read all again). */
  fullPassAt?: string;
  /** Fingerprint of URL, targets, tier/role and planned reads: an incremental run reuses reads only under the same key. */
  scopeKey?: string;
  /** Set by `check --shard I/N`: this snapshot holds only that slice of the targets. */
  shard?: { index: number; total: number };
}

