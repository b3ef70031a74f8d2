// What every reporter shares: the rule metadata it may show, the render context, stable ordering and
// value formatting. Reporters make no decisions: they never filter by severity or pick exit codes.
import { createHash } from 'node:crypto';
import type { CheckResult, Finding, SkippedEntry, TargetErrorEntry } from '../../model/result';
import type { Severity, TargetRef } from '../../model/target';
import type { Rule } from '../../policies/rule';
import { displayAccessValue, isAccessLevelSetting } from '../../gitlab/access-levels';

/** The parts of a catalog rule a report shows (policies/catalog.ts `CATALOG` satisfies RuleMeta[]). */
export type RuleMeta = Pick<Rule, 'id' | 'area' | 'title' | 'description' | 'severity' | 'scenario' | 'scope' | 'minTier'>;

export interface ReportContext {
  rules: RuleMeta[];
  /** ANSI colours in the table reporter; the CLI sets it from the TTY and NO_COLOR. */
  color?: boolean;
  /** ISO time shown in headers; absent = not shown (keeps output reproducible). */
  generatedAt?: string;
  toolVersion?: string;
  /** Terminal width for the table reporter; long messages wrap to fit. Absent (piped output): no wrapping. */
  width?: number;
  /** Code Quality `location.path`: the baseline file the findings are judged against. */
  baselineFile?: string;
  /** How a finding gets fixed, e.g. from the rule's `fix` (checks/revert); the HTML report shows it. */
  describeFix?: (finding: Finding) => string;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
export const SEVERITIES_DESC: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

const cmp = (a: string | number | undefined, b: string | number | undefined): number =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

export function compareTargets(a: TargetRef, b: TargetRef): number {
  return cmp(a.path, b.path) || cmp(a.kind, b.kind) || cmp(a.id, b.id);
}

/** Report order: target path, then rule, setting, branch, object — independent of collection order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareTargets(a.target, b.target) ||
    cmp(a.rule, b.rule) ||
    cmp(a.setting, b.setting) ||
    cmp(a.branch, b.branch) ||
    cmp(a.object, b.object) ||
    cmp(a.message, b.message)
  );
}

/** Most severe first, then report order. */
export function compareBySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareFindings(a, b);
}

export function compareSkipped(a: SkippedEntry, b: SkippedEntry): number {
  return compareTargets(a.target, b.target) || cmp(a.rule, b.rule) || cmp(a.reason, b.reason);
}

export function compareErrors(a: TargetErrorEntry, b: TargetErrorEntry): number {
  return compareTargets(a.target, b.target) || cmp(a.message, b.message);
}

export const sorted = <T>(items: readonly T[], by: (a: T, b: T) => number): T[] => [...items].sort(by);

// Text from GitLab (hook URLs, variable keys, messages quoting them) goes through the one sanitizer.
export { terminalSafe, oneLine } from '../../lib/safe-text';

/** A value as one short line: strings bare, everything else as JSON. */
export function formatValue(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : value === undefined ? '(unset)' : JSON.stringify(value);
  const line = (text ?? String(value)).replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The tier line of a report header: the run's tier, or each top-level namespace's when tiers are per namespace. */
export function tierText(gitlab: CheckResult['gitlab']): string {
  const per = Object.entries(gitlab.namespaceTiers ?? {});
  return per.length > 0 ? `tier by namespace: ${per.map(([ns, tier]) => `${ns} ${tier}`).join(', ')}` : gitlab.tier;
}

/** A finding's expected/actual for people: an access level also by GitLab's name ("Maintainers (40)"). */
export function findingValue(f: Pick<Finding, 'setting'>, v: unknown): unknown {
  return isAccessLevelSetting(f.setting) ? displayAccessValue(v) : v;
}

/**
 * "changed by mallory at 2026-11-20T03:14:00Z from 203.0.113.9", or why it cannot be said. The from/to values are
 * shown whole in every format (issue 15): a cut-off hook URL hides where the data went. Tables wrap instead.
 */
export function describeExplanation(f: Finding): string | undefined {
  const e = f.explanation;
  if (!e) return undefined;
  if ('unavailable' in e) return `who changed it: unavailable (${e.unavailable})`;
  const change = e.from === undefined && e.to === undefined ? '' : `: ${formatValue(findingValue(f, e.from ?? null), Infinity)} -> ${formatValue(findingValue(f, e.to ?? null), Infinity)}`;
  return `changed by ${e.author} at ${e.at}${e.ip ? ` from ${e.ip}` : ''} (${e.event_name}, event ${e.event_id})${change}${e.note ? `; ${e.note}` : ''}`;
}

/** What the finding is about, for humans: setting plus branch or object. */
export function describeSubject(f: Finding): string {
  return f.branch ? `${f.setting} (branch ${f.branch})` : f.object ? `${f.setting} (${f.object})` : f.setting;
}

/** The identity of a finding across runs: same rule, target and object = same fingerprint. */
export function fingerprint(f: Pick<Finding, 'rule' | 'target' | 'setting' | 'branch' | 'object'>): string {
  const key = [f.rule, f.target.kind, f.target.path, f.setting, f.branch ?? '', f.object ?? ''].join('\u0000');
  return createHash('sha256').update(key).digest('hex');
}

/** Distinct targets among read errors: what "N targets could not be read" counts. */
export function unreadableTargets(errors: readonly TargetErrorEntry[]): number {
  return new Set(errors.map((e) => `${e.target.kind}:${e.target.path}`)).size;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Skipped entries grouped by reason, biggest group first (then by reason text). */
export function groupSkipped(skipped: readonly SkippedEntry[]): { reason: string; entries: SkippedEntry[] }[] {
  const byReason = new Map<string, SkippedEntry[]>();
  for (const s of sorted(skipped, compareSkipped)) {
    const list = byReason.get(s.reason) ?? [];
    list.push(s);
    byReason.set(s.reason, list);
  }
  return [...byReason.entries()]
    .map(([reason, entries]) => ({ reason, entries }))
    .sort((a, b) => b.entries.length - a.entries.length || cmp(a.reason, b.reason));
}

/** Area of a rule id without a catalog entry ("webhooks.allowed-hosts" -> "webhooks"). */
export function areaOf(ruleId: string, rules: readonly RuleMeta[]): string {
  return rules.find((r) => r.id === ruleId)?.area ?? ruleId.split('.')[0];
}
