// `--format junit`: for GitLab's MR test widget (artifacts:reports:junit). One testsuite per area, one testcase
// per rule x target (classname = target path, name = rule id): failure = unwaived findings, skipped = skipped
// or waived, error = the target could not be read. Passing pairs come from `result.evaluated` when present.
import type { CheckResult, Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import { areaOf, compareFindings, describeExplanation, findingValue, formatValue, sorted, type ReportContext } from './common';
import { writeXml, type XmlNode } from './xml';

type Outcome =
  | { kind: 'pass' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failure'; findings: Finding[] }
  | { kind: 'error'; message: string };

interface Case {
  area: string;
  classname: string;
  name: string;
  outcome: Outcome;
}

// Which outcome a rule x target keeps when several sources name it: an unread target outranks everything.
const RANK: Record<Outcome['kind'], number> = { pass: 0, skipped: 1, failure: 2, error: 3 };

/** Test name for a read error that names no rules: the target itself could not be read. */
export const READ_ERROR_CASE = 'read';

function collectCases(result: CheckResult, ctx: ReportContext): Case[] {
  const cases = new Map<string, Case>();
  const put = (rule: string, target: TargetRef, outcome: Outcome, area = areaOf(rule, ctx.rules)): void => {
    const key = `${target.kind}\u0000${target.path}\u0000${rule}`;
    const have = cases.get(key);
    if (have && have.outcome.kind === 'failure' && outcome.kind === 'failure') {
      have.outcome.findings.push(...outcome.findings);
      return;
    }
    if (have && RANK[have.outcome.kind] >= RANK[outcome.kind]) return;
    cases.set(key, { area, classname: target.path, name: rule, outcome });
  };
  for (const e of result.evaluated ?? []) put(e.rule, e.target, { kind: 'pass' });
  for (const s of result.skipped) put(s.rule, s.target, { kind: 'skipped', reason: s.reason });
  for (const f of sorted(result.findings, compareFindings)) {
    if (f.waived) put(f.rule, f.target, { kind: 'skipped', reason: `waived: ${f.waiver?.reason ?? 'waived in the baseline'}` });
    else put(f.rule, f.target, { kind: 'failure', findings: [f] });
  }
  for (const e of result.errors) {
    const outcome: Outcome = { kind: 'error', message: e.message };
    if (e.rules && e.rules.length > 0) for (const rule of e.rules) put(rule, e.target, outcome);
    else put(READ_ERROR_CASE, e.target, outcome, 'read-errors');
  }
  return [...cases.values()];
}

function failureText(findings: Finding[]): string {
  return findings
    .map((f) =>
      [
        f.message,
        `  setting: ${f.setting}${f.branch ? ` (branch ${f.branch})` : ''}${f.object ? ` (${f.object})` : ''}`,
        `  expected: ${formatValue(findingValue(f, f.expected), 500)}`,
        `  actual: ${formatValue(findingValue(f, f.actual), 500)}`,
        `  severity: ${f.severity}${f.revertible ? ', revertible with gitlab-posture revert' : ''}`,
        ...(f.explanation ? [`  ${describeExplanation(f)}`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

function testcase(c: Case): XmlNode {
  const o = c.outcome;
  const children: XmlNode[] =
    o.kind === 'pass'
      ? []
      : o.kind === 'skipped'
        ? [{ name: 'skipped', attrs: { message: o.reason } }]
        : o.kind === 'error'
          ? [{ name: 'error', attrs: { message: o.message, type: 'read-error' }, text: o.message }]
          : [
              {
                name: 'failure',
                attrs: { message: o.findings.map((f) => f.message).join('; '), type: o.findings[0].severity },
                text: failureText(o.findings),
              },
            ];
  return { name: 'testcase', attrs: { classname: c.classname, name: c.name, time: 0 }, children };
}

function counts(cases: Case[]) {
  const n = (kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;
  return { tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped') };
}

export function renderJunit(result: CheckResult, ctx: ReportContext): string {
  const cases = collectCases(result, ctx).sort(
    (a, b) => (a.classname < b.classname ? -1 : a.classname > b.classname ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const areas = [...new Set(cases.map((c) => c.area))].sort();
  const suites: XmlNode[] = areas.map((area) => {
    const inSuite = cases.filter((c) => c.area === area);
    return {
      name: 'testsuite',
      attrs: { name: area, ...counts(inSuite), time: 0, ...(ctx.generatedAt && { timestamp: ctx.generatedAt }) },
      children: inSuite.map(testcase),
    };
  });
  const root: XmlNode = { name: 'testsuites', attrs: { name: 'gitlab-posture', ...counts(cases), time: 0 }, children: suites };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(root)}\n`;
}
