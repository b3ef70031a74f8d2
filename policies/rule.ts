// What a rule is. Rules are pure: `evaluate` sees only fully read data (the evaluator has turned failed reads
// into errors and tier gaps into skips), takes its clock from the snapshot, and never logs or fetches.
// `fix` describes the write as data; checks/revert journals, applies and verifies it.
import type { Tier } from '../gitlab/types';
import type { Finding } from '../model/result';
import type { GroupState, InstanceState, ProjectState } from '../model/snapshot';
import type { Read, Severity, TargetKind } from '../model/target';
import type { Area, AreaParams } from './params';
import type { Source } from './audit';
import type { InputsOf, ResourceType } from '../model/resources';

/** Replace each Read<T> with T: what a rule sees once the evaluator has checked its reads. */
type Unwrapped<S> = { [K in keyof S]-?: NonNullable<S[K]> extends Read<infer T> ? T : S[K] };

export type ProjectSubject = { kind: 'project' } & Unwrapped<ProjectState>;
export type GroupSubject = { kind: 'group' } & Unwrapped<GroupState>;
export type InstanceSubject = { kind: 'instance' } & Unwrapped<InstanceState>;
export type Subject = ProjectSubject | GroupSubject | InstanceSubject;

/** Names of the reads a rule needs, per scope; the collector fetches only these (`--only`). */
export type ProjectRead = Exclude<keyof ProjectState, 'target'>;
export type GroupRead = Exclude<keyof GroupState, 'target' | 'topLevel'>;
export type InstanceRead = Exclude<keyof InstanceState, 'target'>;

export interface EvalContext {
  /** Absent where the caller gated tiers itself (policies/run.ts RunContext). */
  tier?: Tier;
  /** Snapshot time (ISO): the only clock a rule may use. */
  now: string;
  isAdmin: boolean;
  /** CE or EE build; undefined (an older snapshot) counts as EE. */
  edition?: 'ce' | 'ee';
  /** The instance is GitLab.com (gitlab/tier.ts `isGitlabCom`). */
  gitlabCom?: boolean;
}

/** A finding as a rule produces it; the evaluator adds rule, area, severity, target, revertible and waiver. */
export type FindingDraft = Pick<Finding, 'setting' | 'expected' | 'actual' | 'message'> &
  Partial<Pick<Finding, 'branch' | 'object' | 'fixData'>>;

/** `skip`: the rule cannot judge this target (a gated key is absent, no allowlist configured…). */
export type RuleOutcome = FindingDraft[] | { skip: string };

/** A write that brings a finding back to the baseline (GitLab REST v4 paths, ids numeric). */
export interface Change {
  method: 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /** Deletes or removes something (a hook, a push entry): needs --allow-destructive. */
  destructive?: boolean;
  /** What the journal must say cannot be restored by undo (e.g. a hook's secret token). */
  unrecoverable?: string;
  /** What else the write changes, and why GitLab needs it (shown under the step in the revert plan). */
  note?: string;
  /**
   * The write creates an object of this kind: the plan adds what every other active rule demands of such an object
   * (Rule.onCreate), so one revert converges instead of leaving a finding on the new object for a second run.
   */
  creates?: CreatedKind;
}

/** Objects a fix can create. */
export type CreatedKind = 'protected-branch' | 'approval-rule';

/** Method syntax: a rule of one area stays assignable to Rule<Area> (parameters are checked bivariantly). */
export interface OnCreate<P> {
  'protected-branch'?(params: P): Record<string, unknown> | null;
  'approval-rule'?(params: P): Record<string, unknown> | null;
}

export type Fix = Change | { manual: string };

/**
 * A Pulumi resource input this rule guards (provider diff, CrossGuard). `fields`: the inputs the rule judges
 * (CrossGuard applies the rule when one is declared). `declared`: the rule's parameters as the inputs declare them,
 * or null when the inputs do not ask for it. `settings`: which finding settings the resource manages (a rule may
 * report more, e.g. plain-HTTP hooks).
 */
export interface ResourceGuard<I> {
  fields: (keyof I & string)[];
  declared: (inputs: I) => Record<string, unknown> | null;
  settings?: string[];
}

export type ResourceGuards = { [T in ResourceType]?: ResourceGuard<InputsOf[T]> };

/**
 * Everything about a rule sits on the rule: adding one touches its area file, its tests and the profiles only
 * (test/policies/rule-shape.test.ts lists what a rule must declare).
 */
export interface Rule<A extends Area = Area> {
  id: string;
  area: A;
  title: string;
  /** One or two sentences: why this matters, shown in SARIF help and `rules`. */
  description: string;
  severity: Severity;
  scope: TargetKind[];
  /** Lowest tier where the rule can be judged; per scope where it differs (group hooks are Premium). */
  minTier: Tier | Partial<Record<TargetKind, Tier>>;
  /** Heading in docs/reference/responding-to-security-incidents.md the rule defends. */
  scenario: string;
  needs: { project?: ProjectRead[]; group?: GroupRead[]; instance?: InstanceRead[] };
  /**
   * Reads fetched only for targets where this rule found something (e.g. the approval-setting lock info that
   * explains why a project flag cannot be changed there). They keep the request budget per project low; a
   * failed one never blocks the rule, which must treat the key as possibly undefined.
   */
  enrich?: { project?: ProjectRead[]; group?: GroupRead[] };
  /** Instance rules need an administrator's token. */
  requiresAdmin?: boolean;
  /** Which of its area's parameters (`settings.<area>`) the rule reads: `rules` and docs/rules.md list them. */
  params: readonly (keyof AreaParams<A> & string)[];
  /** The audit events that can explain a finding (`explain`, `watch`), or why none can. */
  audit: Source;
  /** The Pulumi resource inputs this rule guards, per resource type; absent when no resource manages its setting. */
  guards?: ResourceGuards;
  evaluate: (subject: Subject, params: AreaParams<A>, ctx: EvalContext) => RuleOutcome;
  fix: (finding: Finding, params: AreaParams<A>) => Fix;
  /**
   * What this rule demands of an object another rule's fix creates (POST body fields), or null when it demands
   * nothing under these params. Merged into the create step when the rule was judged on that target.
   */
  onCreate?: OnCreate<AreaParams<A>>;
}

/** Keeps the literal id, so the catalog's RuleId union is built from the rules themselves. */
export function defineRule<A extends Area, const Id extends string>(rule: Rule<A> & { id: Id }): Rule<A> & { id: Id } {
  return rule;
}

export function minTierFor(rule: Rule, kind: TargetKind): Tier {
  return typeof rule.minTier === 'string' ? rule.minTier : rule.minTier[kind] ?? 'free';
}

const TIER_RANK: Record<Tier, number> = { free: 0, premium: 1, ultimate: 2 };
export function tierAtLeast(have: Tier, need: Tier): boolean {
  return TIER_RANK[have] >= TIER_RANK[need];
}
