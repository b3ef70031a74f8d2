// Where a report goes: --output FILE or stdout; table on a terminal, JSON otherwise (README, "Commands").
import { render, type ReportFormat } from '../report';
import type { CheckResult } from '../../model/result';
import { CATALOG } from '../../policies/catalog';
import type { CliIO } from './io';

/** Every command's default: a table on a terminal, JSON into a file or a pipe. */
export function defaultFormat(io: Pick<CliIO, 'stdoutIsTTY'>, output?: string): 'table' | 'json' {
  return !output && io.stdoutIsTTY ? 'table' : 'json';
}

export function writeReport(io: CliIO, opts: { format?: ReportFormat; output?: string; baseline?: string }, result: CheckResult): void {
  const format = opts.format ?? defaultFormat(io, opts.output);
  const text = render(format, result, {
    rules: CATALOG,
    color: format === 'table' && !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR,
    generatedAt: io.now().toISOString(),
    toolVersion: require('../../package.json').version as string,
    ...(tableWidth(io) ? { width: tableWidth(io)! } : {}),
    ...(opts.baseline ? { baselineFile: opts.baseline } : {}),
  });
  if (opts.output) io.writeFile(opts.output, text);
  else io.stdout(text);
}

/** The terminal's width, else `COLUMNS` (set it to fit piped output to a width); none: whole lines, greppable. */
export function tableWidth(io: Pick<CliIO, 'columns' | 'env'>): number | undefined {
  if (io.columns) return io.columns;
  const n = Number(io.env.COLUMNS);
  return Number.isInteger(n) && n >= 40 ? n : undefined;
}
