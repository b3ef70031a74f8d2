// Shapes of a loaded Sigma rule and of a match. Rules are data (detections/rules/*.yml); the matcher is pure.
import type { GlAuditEvent } from '../../gitlab/types';
import type { StepBudget } from './budget';

/** Sigma levels, weakest first (Sigma specification "level"). */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

/** What an event must look like to be matched: the REST audit-event shape, or anything with the same fields. */
export type AuditEventLike = GlAuditEvent | Record<string, unknown>;

/** A predicate over one event; every comparison is counted on the budget (a fresh one when not given). */
export type EventPredicate = (event: AuditEventLike, budget?: StepBudget) => boolean;

export interface RuleMeta {
  title: string;
  id: string;
  status: SigmaStatus;
  level: SigmaLevel;
  description?: string;
  tags: string[];
  references?: string[];
  falsepositives?: string[];
  author?: string;
}

export interface CompiledRule extends RuleMeta {
  /** Where the rule came from, as shown in reports (`rules/two-factor-weakened.yml`, or the user's path). */
  file: string;
  /** Whether it ships with gitlab-posture or came from `--rules DIR`. */
  source: 'builtin' | 'user';
  /** The condition as written. */
  condition: string;
  matches: EventPredicate;
}

/** A rule file that could not be loaded: the file and the construct, never a silently empty rule. */
export interface RuleLoadProblem {
  file: string;
  message: string;
}

export function levelRank(level: SigmaLevel): number {
  return SIGMA_LEVELS.indexOf(level);
}
