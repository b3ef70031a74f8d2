// `gitlab-posture gate --base OLD --head NEW`, once its flags are parsed: fails (exit 1) when the head baseline
// weakens the base one, passes (0) when it is equal or only stricter, 2 when either file is unusable.
import { BaselineError, type BaselineIssue } from '../../baseline/errors';
import { loadBaseline } from '../../baseline/load';
import type { Baseline } from '../../../model/baseline';
import { compareBaselines, renderGate, type GateFormat, type GateResult } from '../../gate';
import { ExitCode, type ExitCodeValue } from '../../../model/result';
import type { CliIO } from '../io';
import { defaultFormat } from '../output';

export interface GateOptions {
  base: string;
  head: string;
  format?: GateFormat;
  output?: string;
}

export function runGate(opts: GateOptions, io: CliIO): { code: ExitCodeValue; result: GateResult } {
  // Both files are loaded before either error is thrown, so a user fixes both in one pass. Past-due waivers
  // load (marked expired, never counted): a gate on an old base must still run.
  const issues: BaselineIssue[] = [];
  const load = (file: string): Baseline | undefined => {
    try {
      return loadBaseline(file, { now: io.now(), allowExpiredWaivers: true });
    } catch (err) {
      if (err instanceof BaselineError) issues.push(...err.errors);
      else throw err;
      return undefined;
    }
  };
  const base = load(opts.base);
  const head = load(opts.head);
  if (!base || !head) throw new BaselineError(issues);

  const result = compareBaselines(base, head);
  const format = opts.format ?? defaultFormat(io, opts.output);
  const text = renderGate(format, result);
  if (opts.output) io.writeFile(opts.output, text);
  else io.stdout(text);
  return { code: result.weakenings.length > 0 ? ExitCode.Findings : ExitCode.Ok, result };
}
