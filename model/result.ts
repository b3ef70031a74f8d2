// What a check produces: findings, skips, errors and the summary (the `--format json` report: a contract,
// extend, never rename), and the exit codes every command uses.
import type { Tier } from '../gitlab/types';
import type { Severity, TargetRef } from './target';

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

/** The check report (the `--format json` shape). */
export interface CheckResult {
  schemaVersion: 1;
  /**
   * `tier`: the run's (with tiers per namespace, the lowest of them). `namespaceTiers` (extension): the tier each
   * target's top-level namespace was judged at, when tiers are told per namespace (GitLab.com plans).
   */
  gitlab: { url: string; version: string; tier: Tier; namespaceTiers?: Record<string, Tier> };
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

/** CLI exit codes, every command (README, "Exit codes"): 2 wins over 1. */
export const ExitCode = { Ok: 0, Findings: 1, Incomplete: 2 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
