// `--format markdown`: an MR comment or CI job summary. Errors come first (an unread target means the result
// cannot be trusted), then unwaived findings by severity, then waived/skipped collapsed in <details>.
import type { CheckResult, Finding } from '../../model/result';
import { markdownSafe } from '../../lib/safe-text';
import {
  compareBySeverity,
  compareErrors,
  describeExplanation,
  describeSubject,
  findingValue,
  tierText,
  formatValue,
  groupSkipped,
  plural,
  sorted,
  unreadableTargets,
  type ReportContext,
} from './common';

/** A table cell or list item: the one Markdown sanitizer (lib/safe-text.ts). */
export const mdCell = markdownSafe;

const code = (text: string): string => (text === '' ? '' : `<code>${mdCell(text, true)}</code>`);

function findingsTable(findings: Finding[], withWaiver: boolean): string[] {
  const explained = findings.some((f) => f.explanation);
  const head = ['Severity', 'Rule', 'Target', 'Setting', 'Expected', 'Actual', 'Message'];
  if (withWaiver) head.push('Waiver');
  if (explained) head.push('Changed by');
  const rows = findings.map((f) => {
    const cells = [
      f.severity,
      code(f.rule),
      code(f.target.path),
      mdCell(describeSubject(f)),
      code(formatValue(findingValue(f, f.expected), 60)),
      code(formatValue(findingValue(f, f.actual), 60)),
      mdCell(f.message),
    ];
    if (withWaiver) cells.push(mdCell(f.waiver ? `${f.waiver.reason} (until ${f.waiver.expires})` : 'waived'));
    if (explained) cells.push(mdCell(describeExplanation(f) ?? ''));
    return `| ${cells.join(' | ')} |`;
  });
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows];
}

export function renderMarkdown(result: CheckResult, ctx: ReportContext): string {
  const s = result.summary;
  const open = sorted(
    result.findings.filter((f) => !f.waived),
    compareBySeverity,
  );
  const waived = sorted(
    result.findings.filter((f) => f.waived),
    compareBySeverity,
  );
  const unread = unreadableTargets(result.errors) || s.errors;
  const status = !s.complete
    ? `INCOMPLETE: ${plural(unread, 'target')} could not be read`
    : open.length > 0
      ? `${plural(open.length, 'finding')} to fix`
      : 'compliant';
  const out: string[] = [`## GitLab posture: ${status}`, ''];
  out.push(
    `GitLab ${mdCell(result.gitlab.url)} (${mdCell(result.gitlab.version)}, ${mdCell(tierText(result.gitlab))})` +
      (ctx.generatedAt ? `, checked ${mdCell(ctx.generatedAt)}` : '') +
      (ctx.toolVersion ? ` by gitlab-posture ${mdCell(ctx.toolVersion)}` : ''),
    '',
    `**${plural(s.targets, 'target')}, ${plural(s.findings, 'finding')} (${s.waived} waived), ${s.skipped} skipped, ${plural(s.errors, 'error')}**`,
    '',
  );

  if (result.errors.length > 0) {
    out.push(`### Could not read ${plural(unread, 'target')}: these were NOT checked`, '');
    for (const e of sorted(result.errors, compareErrors)) {
      const rules = e.rules?.length ? ` (not evaluated: ${[...e.rules].sort().map(code).join(', ')})` : '';
      out.push(`- **${e.target.kind} ${code(e.target.path)}**: ${mdCell(e.message)}${rules}`);
    }
    out.push('');
  }

  if (open.length > 0) {
    const bySeverity = ['critical', 'high', 'medium', 'low']
      .map((sev) => [sev, open.filter((f) => f.severity === sev).length] as const)
      .filter(([, n]) => n > 0)
      .map(([sev, n]) => `${n} ${sev}`)
      .join(', ');
    out.push(`### Findings (${bySeverity})`, '', ...findingsTable(open, false), '');
  }

  if (result.expiredWaivers && result.expiredWaivers.length > 0) {
    out.push(`### Expired waivers (${result.expiredWaivers.length}), no longer applied`, '');
    for (const w of result.expiredWaivers) {
      out.push(`- ${code(w.rule)} on ${code(w.target)}: expired ${mdCell(w.expires)} (${mdCell(w.reason)})`);
    }
    out.push('');
  }

  if (waived.length > 0) {
    out.push(`<details><summary>Waived (${waived.length})</summary>`, '', ...findingsTable(waived, true), '', '</details>', '');
  }

  if (result.skipped.length > 0) {
    out.push(`<details><summary>Skipped (${result.skipped.length})</summary>`, '');
    for (const { reason, entries } of groupSkipped(result.skipped)) {
      const rules = [...new Set(entries.map((e) => e.rule))].sort().map(code).join(', ');
      out.push(`- ${mdCell(reason)}: ${plural(entries.length, 'check')} (${rules})`);
    }
    out.push('', '</details>', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
