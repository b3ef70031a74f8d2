// `gitlab-posture check`, once its flags are parsed: the pipeline, the state and snapshot files, the report, and
// the exit code a CI gate can trust.
import { exitCodeFor } from '../../exit-code';
import type { ReportFormat } from '../../report/formats';
import type { ExitCodeValue } from '../../../model/result';
import type { Severity } from '../../../model/target';
import { writePrivateFileAtomic } from '../../private-file';
import { saveStateAtomic, stateFile } from '../../scale/state-file';
import { checkFromFlags, type CheckFlags } from '../check-flags';
import type { CliIO } from '../io';
import { DEFAULT_STATE_DIR } from '../options';
import { writeReport } from '../output';
import { assertWritableFile } from '../output-paths';

export interface CheckOptions extends CheckFlags {
  format?: ReportFormat;
  output?: string;
  failOn: Severity;
  saveSnapshot?: string;
}

export async function runCheck(opts: CheckOptions, io: CliIO): Promise<ExitCodeValue> {
  assertWritableFile('--output', opts.output);
  assertWritableFile('--save-snapshot', opts.saveSnapshot);
  const { result, snapshot } = await checkFromFlags(opts, io);
  // Saved after every live run with --since-last (or an explicit --state-dir), for the next incremental run.
  if (!opts.fromSnapshot && (opts.sinceLast || opts.stateDir)) saveStateAtomic(stateFile(opts.stateDir ?? DEFAULT_STATE_DIR, opts.shard), snapshot);
  // Settings of every target: for the owner only (0600), like journals and state.
  if (opts.saveSnapshot) writePrivateFileAtomic(opts.saveSnapshot, JSON.stringify(snapshot, null, 2) + '\n');
  writeReport(io, opts, result);
  return exitCodeFor(result, opts.failOn);
}
