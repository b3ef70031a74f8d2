// `gitlab-posture merge REPORT.json...`: combines the JSON reports of `check --shard I/N` into one report in
// any format; exit codes as check's (2 when a shard is missing or incomplete).
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { exitCodeFor } from '../exit-code';
import { SEVERITIES, type Severity } from '../../model/target';
import { type CheckResult, type ExitCodeValue } from '../../model/result';
import { REPORT_FORMATS, type ReportFormat } from '../report';
import { mergeReports, MergeError, parseShardReport } from '../scale/merge';
import { UsageError, type CliIO } from './io';
import { writeReport } from './output';

export interface MergeOptions {
  reports: string[];
  format?: ReportFormat;
  output?: string;
  failOn: Severity;
}

export function runMerge(opts: MergeOptions, io: CliIO): { code: ExitCodeValue; result: CheckResult } {
  let result: CheckResult;
  try {
    const inputs = opts.reports.map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new MergeError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
      }
      return { file, result: parseShardReport(file, text) };
    });
    result = mergeReports(inputs);
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(`merge: ${err.message}`);
    throw err;
  }
  writeReport(io, opts, result);
  return { code: exitCodeFor(result, opts.failOn), result };
}

export function registerMerge(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('merge')
    .description('Combine the JSON reports of sharded checks (check --shard I/N) into one report.')
    .argument('<reports...>', 'shard reports written by check --shard I/N --format json')
    .addOption(new Option('--format <format>', 'report format (default: table on a terminal, else json)').choices(REPORT_FORMATS))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1)').choices(SEVERITIES).default('low'))
    .addHelpText(
      'after',
      `
Examples:
  gitlab-posture check --shard 1/4 --format json --output shard-1.json   # … one per shard, e.g. CI parallel: 4
  gitlab-posture merge shard-*.json --format sarif --output posture.sarif --fail-on high

A shard missing from the list (or given twice) is reported: the merged run is incomplete.
Exit codes: 0 compliant, 1 findings at or above --fail-on, 2 a shard missing or incomplete, or a report unreadable.`,
    )
    .action((reports: string[], o: Record<string, unknown>) => {
      setExit(
        runMerge(
          {
            reports,
            failOn: o.failOn as Severity,
            ...(o.format ? { format: o.format as ReportFormat } : {}),
            ...(o.output ? { output: o.output as string } : {}),
          },
          io,
        ).code,
      );
    });
}
