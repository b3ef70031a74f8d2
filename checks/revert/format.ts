// Plan and outcome as text for the terminal: target, setting, actual -> expected, method path. No decisions here.
import type { Finding } from '../../model/result';
import { oneLine } from '../../lib/safe-text';
import type { Change } from '../../policies/rule';
import type { Plan } from './plan';
import type { StepResult } from './apply';
import type { UndoItem } from './undo';
import { sameJson, touchedFields } from './before';
import { displayAccessValue, isAccessLevelSetting } from '../../gitlab/access-levels';

// Branch names, hook ids, paths and values come from GitLab or from a journal file: one line each, no controls.
export function where(f: Pick<Finding, 'target' | 'branch' | 'object'>): string {
  const extra = f.branch !== undefined ? ` [branch ${f.branch}]` : f.object !== undefined ? ` [${f.object}]` : '';
  return oneLine(`${f.target.path}${extra}`);
}

function value(v: unknown): string {
  const s = oneLine(JSON.stringify(v) ?? 'undefined');
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A finding's value: an access level by GitLab's name and number ("Maintainers (40)"), anything else as JSON. */
function findingValue(f: Pick<Finding, 'setting'>, v: unknown): string {
  return isAccessLevelSetting(f.setting) && typeof v === 'number' ? oneLine(String(displayAccessValue(v))) : value(v);
}

function change(c: Change): string {
  return oneLine(`${c.method} ${c.path}`);
}

export function formatPlan(plan: Plan, url: string, dryRun: boolean): string {
  const out: string[] = [];
  out.push(`Revert plan for ${url}${dryRun ? ' (dry run: nothing is written)' : ''}:`);
  if (plan.steps.length === 0) out.push('  nothing to write');
  for (const s of plan.steps) {
    const f = s.finding;
    out.push(`  ${String(s.seq).padStart(3)}. ${where(f)}  ${oneLine(f.setting)}: ${findingValue(f, f.actual)} -> ${findingValue(f, f.expected)}  ${change(s.change)}${s.change.destructive ? '  (destructive)' : ''}`);
    if (s.change.note) out.push(`       ${oneLine(s.change.note)}`);
  }
  if (plan.superseded.length > 0) {
    out.push('Resolved by a deletion above:');
    for (const s of plan.superseded) out.push(`  ${where(s.finding)}  ${s.finding.rule} ${oneLine(s.finding.setting)} (step ${s.by})`);
  }
  if (plan.needsDestructive.length > 0) {
    out.push('Left alone, needs --allow-destructive:');
    for (const n of plan.needsDestructive) {
      out.push(`  ${where(n.finding)}  ${n.finding.setting}: ${findingValue(n.finding, n.finding.actual)} -> ${findingValue(n.finding, n.finding.expected)}  ${change(n.change)}`);
      if (n.change.unrecoverable) out.push(`      undo cannot restore: ${oneLine(n.change.unrecoverable)}`);
    }
  }
  if (plan.manual.length > 0) {
    out.push('Not revertible here (fix by hand):');
    for (const m of plan.manual) out.push(`  ${where(m.finding)}  ${m.finding.rule} ${oneLine(m.finding.setting)}: ${oneLine(m.reason)}`);
  }
  return out.join('\n') + '\n';
}

const LABEL: Record<StepResult['outcome'], string> = { verified: 'verified', not_verified: 'NOT VERIFIED', failed: 'FAILED' };

export function formatResult(r: StepResult): string {
  const id = r.step.id;
  const head = `  ${String(id.seq).padStart(3)}. ${LABEL[r.outcome]}  ${where(id)}  ${oneLine(id.setting)}  ${change(r.step.change)}`;
  const why = r.error ?? r.detail;
  return why ? `${head}\n       ${oneLine(why)}\n` : `${head}\n`;
}

/**
 * What one undo step puts back, field by field, as `field: now -> restored` (the journal's before value). Values
 * come from GitLab and the journal: one line each, cut for the terminal. A step that deletes what the revert created
 * says so; a recreated hook is named by its URL.
 */
export function describeRestore(item: Pick<UndoItem, 'entry' | 'write' | 'change'>, live: unknown): string {
  const before = item.entry.pending.before ?? null;
  if (before === null) return 'removes what the revert created';
  const was = touchedFields(item.write, before) ?? {};
  if (item.write.method === 'DELETE') {
    const url = (before as Record<string, unknown>).url;
    return typeof url === 'string' ? `recreates it: url ${value(url)}` : 'recreates it';
  }
  const now = (touchedFields(item.write, live) ?? {}) as Record<string, unknown>;
  const fields = Object.keys(was).filter((k) => !sameJson(now[k], was[k]));
  return fields.map((k) => `${oneLine(k)}: ${value(now[k])} -> ${value(was[k])}`).join(', ');
}
