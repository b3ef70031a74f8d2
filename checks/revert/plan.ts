// CheckResult -> Plan: the writes that bring each unwaived finding back to the baseline, as data. Pure: the rule's
// `fix` decides the write (policies/), this file only sorts findings into "write", "needs --allow-destructive",
// "manual" and "superseded" (a finding on an object another step deletes), and completes create steps with what
// the other rules judged on the target demand of the new object (Rule.onCreate), so one revert converges.
import type { CheckResult, Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import type { Change, Rule } from '../../policies/rule';
import type { AllParams, Area } from '../../policies/params';
import { ruleById } from '../../policies/catalog';

export interface PlannedStep {
  /** Position in the plan, 1-based; the journal's `seq`. */
  seq: number;
  finding: Finding;
  change: Change;
}

export interface Plan {
  steps: PlannedStep[];
  /** Destructive writes left alone without --allow-destructive. */
  needsDestructive: { finding: Finding; change: Change }[];
  /** Findings the tool cannot fix (a locked flag, an inherited protection, a plain-http hook…). */
  manual: { finding: Finding; reason: string }[];
  /** Findings on an object a destructive step deletes: they go with it. */
  superseded: { finding: Finding; by: number }[];
}

export interface PlanOptions {
  allowDestructive: boolean;
  /** Tests inject rules; the catalog otherwise. */
  ruleOf?: (id: string) => Rule | undefined;
  /**
   * Ids of the rules judged on a target (checkResult's `evaluated`, see `judgedRules`): their onCreate demands are
   * added to create steps there. Absent: create steps are planned as their rule wrote them.
   */
  judgedOn?: (target: TargetRef) => readonly string[];
}

/** The rules the check judged on each target: active in the profile, licensed and readable there. */
export function judgedRules(result: Pick<CheckResult, 'evaluated'>): (target: TargetRef) => readonly string[] {
  const byTarget = new Map<string, string[]>();
  for (const e of result.evaluated ?? []) {
    const key = `${e.target.kind}\u0000${e.target.id}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), e.rule]);
  }
  return (t) => byTarget.get(`${t.kind}\u0000${t.id}`) ?? [];
}

export function planRevert(findings: readonly Finding[], params: AllParams, opts: PlanOptions): Plan {
  const ruleOf = opts.ruleOf ?? ruleById;
  const plan: Plan = { steps: [], needsDestructive: [], manual: [], superseded: [] };
  const candidates: { finding: Finding; change: Change }[] = [];
  for (const finding of findings) {
    if (finding.waived) continue;
    const rule = ruleOf(finding.rule);
    if (!rule) {
      plan.manual.push({ finding, reason: `rule ${finding.rule} is not in this version's catalog` });
      continue;
    }
    let fix: ReturnType<Rule['fix']>;
    try {
      fix = rule.fix(finding, params[rule.area as Area] as never);
    } catch (err) {
      plan.manual.push({ finding, reason: `the rule's fix failed: ${(err as Error).message}` });
      continue;
    }
    if ('manual' in fix) plan.manual.push({ finding, reason: fix.manual });
    else if (fix.destructive && !opts.allowDestructive) plan.needsDestructive.push({ finding, change: fix });
    else candidates.push({ finding, change: completeCreate(finding, fix, params, ruleOf, opts.judgedOn) });
  }

  // A deleted object takes its other findings with it: writing to a hook that is about to be deleted would 404,
  // and undo could not restore it under the new id a recreated hook gets.
  const deletes = new Map<string, number>();
  let seq = 0;
  for (const c of candidates) {
    if (c.change.method === 'DELETE') {
      const step = { seq: ++seq, ...c };
      plan.steps.push(step);
      deletes.set(objectKey(c.finding), step.seq);
    }
  }
  for (const c of candidates) {
    if (c.change.method === 'DELETE') continue;
    const by = deletes.get(objectKey(c.finding));
    if (by !== undefined) plan.superseded.push({ finding: c.finding, by });
    else plan.steps.push({ seq: ++seq, ...c });
  }
  plan.manual = plan.manual.filter((m) => {
    const by = deletes.get(objectKey(m.finding));
    if (by !== undefined) plan.superseded.push({ finding: m.finding, by });
    return by === undefined;
  });
  // Keep the report's order (target, rule) for the steps; the seq numbers follow it.
  const order = new Map(findings.map((f, i) => [f, i] as const));
  plan.steps.sort((a, b) => order.get(a.finding)! - order.get(b.finding)!);
  const renumber = new Map(plan.steps.map((s, i) => [s.seq, i + 1] as const));
  for (const s of plan.steps) s.seq = renumber.get(s.seq)!;
  for (const sup of plan.superseded) sup.by = renumber.get(sup.by)!;
  return plan;
}

/**
 * A create step gets the fields every other rule judged on its target demands of the new object: the object does
 * not exist when the plan is made, so their findings on it would only appear on the next check, and a second write
 * to it could fail. The creating rule's own fields win (it knows what GitLab accepts there, e.g. no level 60 on
 * GitLab.com); the added fields are named in the step's note.
 */
function completeCreate(
  finding: Finding,
  change: Change,
  params: AllParams,
  ruleOf: (id: string) => Rule | undefined,
  judgedOn: PlanOptions['judgedOn'],
): Change {
  const kind = change.creates;
  if (!kind || !judgedOn) return change;
  const added: Record<string, unknown> = {};
  const why: string[] = [];
  for (const id of [...judgedOn(finding.target)].sort()) {
    const rule = id === finding.rule ? undefined : ruleOf(id);
    const demand = rule?.onCreate?.[kind];
    if (!rule || !demand) continue;
    const fresh = Object.entries(demand(params[rule.area as Area] as never) ?? {}).filter(([k]) => !(k in (change.body ?? {})) && !(k in added));
    if (fresh.length === 0) continue;
    for (const [k, v] of fresh) added[k] = v;
    why.push(`${fresh.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} (${id})`);
  }
  if (why.length === 0) return change;
  const note = `also sets ${why.join('; ')}, so the new ${kind.replace('-', ' ')} meets every rule judged here`;
  return { ...change, body: { ...change.body, ...added }, note: change.note ? `${change.note}; ${note}` : note };
}

/** The object a finding is about: a hook, a variable, a branch… of one target in one area. */
function objectKey(f: Finding): string {
  return `${f.target.kind}\u0000${f.target.id}\u0000${f.area}\u0000${f.object ?? ''}\u0000${f.branch ?? ''}`;
}

/** Writes to the same object run one after the other (same path without the query). */
export function serialKey(change: Change): string {
  return change.path.split('?')[0]!;
}
