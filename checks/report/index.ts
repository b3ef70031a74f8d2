// One entry point for every report format: CheckResult -> text. Reporters make no decisions (no severity
// filtering, no exit codes); the CLI picks the format and writes the string.
import type { CheckResult } from '../../model/result';
import { renderCodeQuality } from './codequality';
import type { ReportContext } from './common';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderTable } from './table';
import { jsonSafe } from '../../lib/safe-text';

import { REPORT_FORMATS, type ReportFormat } from './formats';

export { REPORT_FORMATS, type ReportFormat } from './formats';

export const isReportFormat = (value: string): value is ReportFormat =>
  (REPORT_FORMATS as readonly string[]).includes(value);

const RENDERERS: Record<ReportFormat, (result: CheckResult, ctx: ReportContext) => string> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  codequality: renderCodeQuality,
  markdown: renderMarkdown,
  html: renderHtml,
};

export function render(format: ReportFormat, result: CheckResult, ctx: ReportContext): string {
  const renderer = RENDERERS[format];
  if (!renderer) {
    throw new Error(`unknown report format "${String(format)}": use one of ${REPORT_FORMATS.join(', ')}`);
  }
  const text = renderer(result, ctx);
  // JSON keeps DEL, C1 and U+2028/2029 raw; escaped, a report file shown in a terminal cannot be driven by them.
  return format === 'json' || format === 'sarif' || format === 'codequality' ? jsonSafe(text) : text;
}

export type { ReportContext, RuleMeta } from './common';
export { summaryLine } from './table';
