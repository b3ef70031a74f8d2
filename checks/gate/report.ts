// Gate results as text: a table for the terminal, JSON for tools, Markdown for an MR comment. The check
// reporters take a CheckResult; a gate result is a different thing (a baseline diff), so it gets its own.
import { formatValue, oneLine, plural } from '../report/common';
import { mdCell } from '../report/markdown';
import { jsonSafe } from '../../lib/safe-text';
import type { GateChange, GateResult } from './compare';

import { GATE_FORMATS, type GateFormat } from '../report/formats';

export { GATE_FORMATS, type GateFormat } from '../report/formats';

export function renderGate(format: GateFormat, result: GateResult): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'markdown':
      return renderMarkdown(result);
    case 'table':
      return renderTable(result);
    default:
      throw new Error(`unknown gate report format "${String(format)}": use one of ${GATE_FORMATS.join(', ')}`);
  }
}

function verdict(r: GateResult): string {
  return r.weakenings.length > 0
    ? `FAIL: ${plural(r.weakenings.length, 'weakening')} of the baseline`
    : r.strengthenings.length > 0
      ? 'pass: the baseline only gets stricter'
      : 'pass: no change to the effective baseline';
}

function renderJson(r: GateResult): string {
  return jsonSafe(
    JSON.stringify(
      {
        schemaVersion: 1,
        base: r.base,
        head: r.head,
        summary: { weakenings: r.weakenings.length, strengthenings: r.strengthenings.length, pass: r.weakenings.length === 0 },
        weakenings: r.weakenings,
        strengthenings: r.strengthenings,
      },
      null,
      2,
    ) + '\n'
  );
}

function renderTable(r: GateResult): string {
  const line = (c: GateChange) =>
    `  ${c.kind.padEnd(16)} ${oneLine(c.path)}: ${oneLine(formatValue(c.from, 500))} -> ${oneLine(formatValue(c.to, 500))}\n` +
    `  ${''.padEnd(16)} ${oneLine(c.message)}`;
  // Values stay on their own line: a waiver reason cannot print a second verdict line.
  const out = [`gitlab-posture gate: ${oneLine(r.base)} -> ${oneLine(r.head)}`, verdict(r), ''];
  if (r.weakenings.length > 0) out.push('Weakenings (each fails the gate):', ...r.weakenings.map(line), '');
  if (r.strengthenings.length > 0) out.push('Strengthenings:', ...r.strengthenings.map(line), '');
  return out.join('\n') + '\n';
}

function renderMarkdown(r: GateResult): string {
  const code = (text: string) => `<code>${mdCell(text, true)}</code>`;
  const table = (changes: GateChange[]) => [
    '| Change | Where | From | To | What it means |',
    '| --- | --- | --- | --- | --- |',
    ...changes.map(
      (c) => `| ${c.kind} | ${code(c.path)} | ${code(formatValue(c.from, 500))} | ${code(formatValue(c.to, 500))} | ${mdCell(c.message)} |`,
    ),
  ];
  const out = [
    `## GitLab posture gate: ${verdict(r)}`,
    '',
    `Compared ${code(r.head)} with the target branch's ${code(r.base)}.`,
    '',
  ];
  if (r.weakenings.length > 0) {
    out.push(`### ${plural(r.weakenings.length, 'weakening')}`, '', ...table(r.weakenings), '');
    out.push('A weakening needs a security review: revert it, or get it approved and merged deliberately.', '');
  }
  if (r.strengthenings.length > 0) {
    out.push('<details><summary>' + plural(r.strengthenings.length, 'strengthening') + '</summary>', '', ...table(r.strengthenings), '', '</details>', '');
  }
  return out.join('\n');
}
