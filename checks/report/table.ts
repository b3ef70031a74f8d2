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
  findingValue,
  tierText,
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
  out.push(oneLine(`GitLab ${g.url} (${g.version}, ${tierText(g)})${ctx.generatedAt ? ` — ${ctx.generatedAt}` : ''}`));

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
    const head = ['Severity', 'Rule', 'Setting', 'Expected', 'Actual', 'Message'];
    const rows: string[][] = [];
    for (const f of findings) {
      const notes = [f.message];
      if (f.waived) notes.push(`waived: ${f.waiver?.reason ?? 'no reason given'}${f.waiver?.expires ? ` (until ${f.waiver.expires})` : ''}`);
      const why = describeExplanation(f);
      if (why) notes.push(why);
      rows.push([
        f.waived ? paint('waived', `waived (${f.severity})`) : paint(f.severity, f.severity),
        terminalSafe(f.rule),
        terminalSafe(describeSubject(f)),
        terminalSafe(formatValue(findingValue(f, f.expected), 40)),
        terminalSafe(formatValue(findingValue(f, f.actual), 40)),
        notes.map(terminalSafe).join('\n'),
      ]);
    }
    const widths = ctx.width ? fitColumns([head, ...rows], ctx.width) : undefined;
    const table = new Table({
      head,
      style: { head: [], border: [] },
      // Every column wraps (at word boundaries, long words broken) so the whole table fits the terminal.
      ...(widths ? { colWidths: widths, wordWrap: true, wrapOnWordBoundary: true } : {}),
    });
    table.push(...(widths ? rows.map((r) => r.map((cell, c) => breakLongWords(cell, widths[c]! - 2))) : rows));
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
  const text = out.join('\n');
  return `${ctx.width ? wrapText(text, ctx.width) : text}\n`;
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI_RE, '');

/**
 * Column widths (padding included) whose sum plus the borders is at most `width`: columns narrower than a common
 * cap keep their natural width, the others share what is left. The cap is the largest that fits.
 */
export function fitColumns(rows: readonly (readonly string[])[], width: number): number[] {
  const natural = rows[0]!.map((_, c) => Math.max(...rows.map((r) => Math.max(...visible(r[c] ?? '').split('\n').map((l) => l.length)))) + 2);
  const available = width - (natural.length + 1);
  const MIN = 6;
  if (natural.reduce((a, b) => a + b, 0) <= available) return natural;
  let cap = MIN;
  while (natural.reduce((a, n) => a + Math.min(n, cap + 1), 0) <= available) cap++;
  const widths = natural.map((n) => Math.min(n, cap));
  // Hand the remainder to the capped columns, left to right.
  let rest = available - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < widths.length && rest > 0; i++) {
    if (natural[i]! > widths[i]!) {
      widths[i]!++;
      rest--;
    }
  }
  return widths.map((w) => Math.max(MIN, w));
}

/** cli-table3 truncates a word longer than its column with "…": break such words (a URL, a long key) instead. */
function breakLongWords(cell: string, max: number): string {
  if (max < 1 || ANSI_RE.test(cell)) {
    ANSI_RE.lastIndex = 0;
    return cell;
  }
  return cell
    .split('\n')
    .map((line) => line.split(' ').map((word) => (word.length > max ? word.match(new RegExp(`.{1,${max}}`, 'g'))!.join('\n') : word)).join(' '))
    .join('\n');
}


/** Lines outside the tables (skipped, errors, summary) wrap at word boundaries, continuing under their indent. */
function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (visible(line).length <= width) return [line];
      const indent = /^\s*/.exec(line)![0] + '  ';
      const lines: string[] = [];
      let current = '';
      for (const word of line.trimStart().split(' ')) {
        const lead = lines.length === 0 && current === '' ? /^\s*/.exec(line)![0] : current === '' ? indent : '';
        const next = current === '' ? lead + word : `${current} ${word}`;
        if (visible(next).length > width && current !== '') {
          lines.push(current);
          current = indent + word;
        } else current = next;
      }
      if (current) lines.push(current);
      // A single word wider than the line is broken too.
      return lines.flatMap((l) => (visible(l).length > width ? l.match(new RegExp(`.{1,${width}}`, 'g'))! : [l]));
    })
    .join('\n');
}
