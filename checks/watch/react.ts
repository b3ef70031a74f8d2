// Drift found by a re-check -> the same journaled write path as `revert` (checks/revert: planRevert, Journal,
// applySteps, verifyFinding). One journal per watch session; `gitlab-posture undo <journal>` reverses it.
// Each write is remembered *before* it is made, so its audit event is recognised as ours (own-writes.ts).
import type { GitlabClient } from '../../gitlab/client';
import type { GlAuditEvent } from '../../gitlab/types';
import type { Baseline } from '../../model/baseline';
import type { Finding } from '../../model/result';
import type { GitlabInfo } from '../../model/snapshot';
import type { TargetKind, TargetRef } from '../../model/target';
import { activeRules } from '../evaluate';
import { CATALOG } from '../../policies/catalog';
import { minTierFor, type Rule } from '../../policies/rule';
import { contextFor, gateOf, type RunContext } from '../../policies/run';
import { planRevert, type Plan } from '../revert/plan';
import { Journal } from '../revert/journal';
import { applySteps, type StepResult, type WriteStep } from '../revert/apply';
import { toWriteStep } from '../revert/steps';
import { sourceOf } from '../explain/sources';
import type { OwnWrite, OwnWrites } from './own-writes';

export interface ReactContext {
  client: GitlabClient;
  baseline: Baseline;
  gitlab: GitlabInfo;
  url: string;
  runId: string;
  journalDir: string;
  token: string | undefined;
  ownWrites: OwnWrites;
  now: () => Date;
}

export interface Reaction {
  plan: Plan;
  results: StepResult[];
  journal?: string;
}

const ENTITY_TYPE: Record<TargetKind, GlAuditEvent['entity_type']> = {
  project: 'Project',
  group: 'Group',
  instance: 'Gitlab::Audit::InstanceScope',
};

/** The audit event a revert of this finding will cause, as far as it can be told in advance. */
export function ownWriteOf(finding: Finding): OwnWrite {
  const source = sourceOf(finding.rule);
  const events = 'unavailable' in source ? [] : source.events;
  const expected = finding.expected;
  const comparable = typeof expected === 'string' || typeof expected === 'boolean' || typeof expected === 'number';
  // Author approval is logged inverted ("prevent merge request approval from authors"; sources.ts).
  const inverted = !('unavailable' in source) && source.inverted === true && typeof expected === 'boolean';
  return {
    entityType: ENTITY_TYPE[finding.target.kind],
    entityId: finding.target.id,
    eventNames: events,
    ...(finding.branch !== undefined ? { targetDetails: finding.branch } : {}),
    ...(comparable ? { to: String(inverted ? !expected : expected) } : {}),
  };
}

/**
 * A per-session journal, created on the first write (a watch that never writes leaves no file). Its header
 * cannot know how many steps will come (planned: null); `close` writes the end record when watch stops.
 */
export class SessionJournal {
  #journal: Journal | undefined;
  #seq = 0;
  constructor(
    private readonly dir: string,
    private readonly runId: string,
    private readonly token: string | undefined,
    private readonly header: { url: string; params: unknown; now: () => Date },
  ) {}
  get file(): string | undefined {
    return this.#journal?.file;
  }
  open(): Journal {
    this.#journal ??= Journal.create(this.dir, this.runId, this.token, {
      url: this.header.url,
      command: 'watch',
      planned: null,
      params: this.header.params,
      now: this.header.now(),
    });
    return this.#journal;
  }
  close(): void {
    this.#journal?.end(this.header.now());
  }
  /** Journal `seq` must be unique in the file across reactions (undo groups records by it). */
  nextSeqBase(count: number): number {
    const base = this.#seq;
    this.#seq += count;
    return base;
  }
}

/**
 * The rules a full `check` would judge on a target: on in the baseline, for its kind, at its namespace's tier and
 * the token's role. A re-check judges only the rules an event can affect, so its result's `evaluated` (what
 * `revert` passes as `judgedRules`) is too narrow: an object watch creates must meet every active rule at once,
 * or the next `check` finds the new protection without, say, code owner approval (one revert converges).
 */
export function judgeableRules(baseline: Pick<Baseline, 'enabled'>, gitlab: GitlabInfo, catalog: readonly Rule[] = CATALOG): (target: TargetRef) => readonly string[] {
  const rules = activeRules(catalog, baseline);
  const run: RunContext = { tier: gitlab.tier, tierSource: gitlab.tierSource, isAdmin: gitlab.isAdmin, now: '', ...(gitlab.namespaces ? { namespaces: gitlab.namespaces } : {}) };
  return (target) => {
    const ctx = contextFor(run, target);
    return rules
      .filter((r) => r.scope.includes(target.kind) && gateOf(r, target.kind, ctx) === undefined && (ctx.undetermined === undefined || minTierFor(r, target.kind) === 'free'))
      .map((r) => r.id);
  };
}

export async function revertFindings(findings: readonly Finding[], ctx: ReactContext, journal: SessionJournal): Promise<Reaction> {
  const plan = planRevert(findings, ctx.baseline.params, { allowDestructive: false, judgedOn: judgeableRules(ctx.baseline, ctx.gitlab) });
  if (plan.steps.length === 0) return { plan, results: [] };
  const base = journal.nextSeqBase(plan.steps.length);
  const steps: WriteStep[] = plan.steps.map((s) =>
    toWriteStep(s, {
      client: ctx.client,
      runId: ctx.runId,
      url: ctx.url,
      params: ctx.baseline.params,
      gitlab: ctx.gitlab,
      now: ctx.now,
      seqBase: base,
      // After the before-read (a failed read means no write) and before the write itself.
      onBeforeWrite: (step) => ctx.ownWrites.remember(ownWriteOf(step.finding)),
    }),
  );
  const results = await applySteps(steps, { client: ctx.client, journal: journal.open(), concurrency: 1, now: ctx.now });
  return { plan, results, ...(journal.file ? { journal: journal.file } : {}) };
}
