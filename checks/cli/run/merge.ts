// `gitlab-posture merge REPORT.json...`, once its flags are parsed: combines the JSON reports of
// `check --shard I/N` into one report in any format; exit codes as check's (2 when a shard is missing or incomplete).
import { readFileSync } from 'node:fs';
import { exitCodeFor } from '../../exit-code';
import type { Severity } from '../../../model/target';
import { type CheckResult, type ExitCodeValue } from '../../../model/result';
import type { ReportFormat } from '../../report/formats';
import { mergeReports, MergeError, parseShardReport } from '../../scale/merge';
import { UsageError, type CliIO } from '../io';
import { writeReport } from '../output';

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
