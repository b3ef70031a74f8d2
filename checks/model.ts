// The data that flows baseline -> collect -> evaluate -> report. Shapes of the JSON report are a contract
// (../shared/DESIGN.md, "--format json"): extend, never rename.
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

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export type TargetKind = 'instance' | 'group' | 'project';

export interface TargetRef {
  kind: TargetKind;
  path: string;
  id: number;
}

/** Why a read failed, in the client's error vocabulary (gitlab/errors.ts). */
export type ReadErrorKind =
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad_response';

export interface ReadError {
  kind: ReadErrorKind;
  /** e.g. "GET /projects/12/hooks -> 403: token role is Developer, hooks need Maintainer. Use …" */
  message: string;
  status?: number;
  method?: string;
  path?: string;
}

/**
 * One read of one area of one target. `undefined` in a state means "not collected" (area not enabled);
 * a failed read is kept as an error so the evaluator can never mistake it for a compliant value.
 */
export type Read<T> = { ok: true; value: T } | { ok: false; error: ReadError };

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
}

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
  isAdmin: boolean;
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

export interface Explanation {
  event_id: number;
  author: string;
  at: string;
  ip: string | null;
  event_name: string;
  from: unknown;
  to: unknown;
  /** What the event cannot tell (a creation event standing in for edits GitLab does not audit). */
  note?: string;
}

export interface Finding {
  rule: string;
  area: string;
  severity: Severity;
  target: TargetRef;
  setting: string;
  /** Protected branch name or pattern, where the finding is about one. */
  branch?: string;
  /** Hook id / variable key etc., where the finding is about one object of a list. */
  object?: string;
  expected: unknown;
  actual: unknown;
  message: string;
  revertible: boolean;
  waived: boolean;
  waiver?: { reason: string; expires: string };
  /** Set by `explain`: never both forms. */
  explanation?: Explanation | { unavailable: string };
  /**
   * What the rule's `fix` needs beyond the fields above (access-level entry ids, the covering approval rule, a
   * variable's environment scope, an inherited/locked flag): `fix` sees only the finding. Set by the rule; the
   * evaluator copies it through. Never holds a secret value.
   */
  fixData?: Record<string, unknown>;
}

export interface SkippedEntry {
  rule: string;
  target: TargetRef;
  reason: string;
}

export interface TargetErrorEntry {
  target: TargetRef;
  message: string;
  /** Rules that could not be evaluated on this target because of the failed read. */
  rules?: string[];
}

export interface Summary {
  targets: number;
  findings: number;
  waived: number;
  skipped: number;
  errors: number;
  complete: boolean;
}

/** The check report (DESIGN.md JSON shape). */
export interface CheckResult {
  schemaVersion: 1;
  gitlab: { url: string; version: string; tier: Tier };
  summary: Summary;
  findings: Finding[];
  skipped: SkippedEntry[];
  errors: TargetErrorEntry[];
  /** Waivers whose expiry has passed: they no longer apply, and are reported (extension). */
  expiredWaivers?: { rule: string; target: string; reason: string; expires: string }[];
  /**
   * Every (rule, target) pair the evaluator judged, findings or not (extension): the JUnit report lists the
   * passing ones as passed test cases. Not part of the JSON report.
   */
  evaluated?: { rule: string; target: TargetRef }[];
  /** `check --shard I/N` (extension, in the JSON report): `merge` needs it to tell a missing shard. */
  shard?: { index: number; total: number };
}

/** CLI exit codes, every command (DESIGN.md): 2 wins over 1. */
export const ExitCode = { Ok: 0, Findings: 1, Incomplete: 2 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
