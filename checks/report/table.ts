// `--format table` (the default on a terminal): findings grouped by target, then skipped collapsed to one
// line per reason, then read errors in full (they decide whether the run can be trusted), then one summary line.
import Table from 'cli-table3';
import type { CheckResult, Finding } from '../../model/result';
import type { Severity } from '../../model/target';
import {
  compareBySeverity,
  compareErrors,
  compareTargets,
  describeExplanation,
  describeSubject,
  formatValue,
  groupSkipped,
  plural,
  sorted,
  terminalSafe,
  oneLine,
  unreadableTargets,
  type ReportContext,
} from './common';

const ANSI: Record<Severity | 'waived' | 'bold' | 'error', [string, string]> = {
  critical: ['\u001b[1;31m', '\u001b[0m'],
  high: ['\u001b[31m', '\u001b[39m'],
  medium: ['\u001b[33m', '\u001b[39m'],
  low: ['\u001b[36m', '\u001b[39m'],
  waived: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
  error: ['\u001b[1;31m', '\u001b[0m'],
};

/** The summary line, e.g. "12 targets, 5 findings (1 waived), 3 skipped, 0 errors — complete". */
export function summaryLine(result: CheckResult): string {
  const s = result.summary;
  const counts = `${plural(s.targets, 'target')}, ${plural(s.findings, 'finding')} (${s.waived} waived), ${s.skipped} skipped, ${plural(s.errors, 'error')}`;
  if (s.complete) return `${counts} — complete`;
  const unread = unreadableTargets(result.errors) || s.errors;
  return `${counts} — INCOMPLETE: ${plural(unread, 'target')} could not be read`;
}

export function renderTable(result: CheckResult, ctx: ReportContext): string {
  const paint = (style: keyof typeof ANSI, text: string): string =>
    ctx.color ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text;
  const out: string[] = [];
  const g = result.gitlab;
  // The version string is whatever the server answered: as untrusted as any other GitLab value.
  out.push(oneLine(`GitLab ${g.url} (${g.version}, ${g.tier})${ctx.generatedAt ? ` — ${ctx.generatedAt}` : ''}`));

  const byTarget = new Map<string, Finding[]>();
  // Grouped by target; inside a target the most severe first.
  for (const f of sorted(result.findings, (a, b) => compareTargets(a.target, b.target) || compareBySeverity(a, b))) {
    const key = `${f.target.kind} ${f.target.path}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), f]);
  }
  for (const [key, findings] of byTarget) {
    // No colours from cli-table3 itself: colour only where `color` says so, so piped output stays plain.
    // On a terminal the message column takes what the width leaves and wraps; piped output keeps whole lines
    // so it stays greppable.
    const wrap = ctx.width ? { colWidths: [null, null, null, null, null, Math.max(40, Math.min(100, ctx.width - 110))], wordWrap: true } : {};
    const table = new Table({
      head: ['Severity', 'Rule', 'Setting', 'Expected', 'Actual', 'Message'],
      style: { head: [], border: [] },
      ...wrap,
    });
    for (const f of findings) {
      const notes = [f.message];
      if (f.waived) notes.push(`waived: ${f.waiver?.reason ?? 'no reason given'}${f.waiver?.expires ? ` (until ${f.waiver.expires})` : ''}`);
      const why = describeExplanation(f);
      if (why) notes.push(why);
      table.push([
        f.waived ? paint('waived', `waived (${f.severity})`) : paint(f.severity, f.severity),
        terminalSafe(f.rule),
        terminalSafe(describeSubject(f)),
        terminalSafe(formatValue(f.expected, 40)),
        terminalSafe(formatValue(f.actual, 40)),
        notes.map(terminalSafe).join('\n'),
      ]);
    }
    out.push('', paint('bold', terminalSafe(key)), table.toString());
  }

  if (result.skipped.length > 0) {
    out.push('', paint('bold', `Skipped (${result.skipped.length}):`));
    for (const { reason, entries } of groupSkipped(result.skipped)) {
      const rules = [...new Set(entries.map((e) => e.rule))].sort();
      out.push(terminalSafe(`  ${plural(entries.length, 'check')}: ${reason} [${rules.join(', ')}]`));
    }
  }

  if (result.expiredWaivers && result.expiredWaivers.length > 0) {
    out.push('', paint('bold', `Expired waivers (${result.expiredWaivers.length}), no longer applied:`));
    for (const w of result.expiredWaivers) out.push(terminalSafe(`  ${w.rule} on ${w.target}: expired ${w.expires} (${w.reason})`));
  }

  if (result.errors.length > 0) {
    out.push('', paint('error', `Errors (${result.errors.length}): these targets could not be read and were NOT checked:`));
    for (const e of sorted(result.errors, compareErrors)) {
      out.push(terminalSafe(`  ${e.target.kind} ${e.target.path}: ${e.message}`));
      if (e.rules && e.rules.length > 0) out.push(`    not evaluated: ${[...e.rules].sort().join(', ')}`);
    }
  }

  const line = summaryLine(result);
  out.push('', result.summary.complete ? line : paint('error', line));
  return `${out.join('\n')}\n`;
}
