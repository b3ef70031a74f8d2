// `gitlab-posture gate --base OLD --head NEW`: fails (exit 1) when the head baseline weakens the base one,
// passes (0) when it is equal or only stricter, 2 when either file is unusable (README, "Exit codes").
import { Command, Option } from 'commander';
import { BaselineError, type BaselineIssue } from '../baseline/errors';
import { loadBaseline } from '../baseline/load';
import type { Baseline } from '../../model/baseline';
import { compareBaselines, GATE_FORMATS, renderGate, type GateFormat, type GateResult } from '../gate';
import { ExitCode, type ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';

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
  const format = opts.format ?? (!opts.output && io.stdoutIsTTY ? 'table' : 'json');
  const text = renderGate(format, result);
  if (opts.output) io.writeFile(opts.output, text);
  else io.stdout(text);
  return { code: result.weakenings.length > 0 ? ExitCode.Findings : ExitCode.Ok, result };
}

export function registerGate(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('gate')
    .description('Compare two baseline files and fail when the new one weakens the old one (for merge requests).')
    .requiredOption('--base <file>', 'the baseline before the change (e.g. from the target branch)')
    .requiredOption('--head <file>', 'the baseline after the change')
    .addOption(new Option('--format <format>', 'report format (default: table on a terminal, else json)').choices(GATE_FORMATS))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  git show origin/main:baseline.yaml > /tmp/base.yaml
  gitlab-posture gate --base /tmp/base.yaml --head baseline.yaml
  gitlab-posture gate --base /tmp/base.yaml --head baseline.yaml --format markdown --output gate.md

Weakening: a rule turned off (also through a profile change), a parameter loosened, a waiver added, extended or
its glob changed, a target removed or excluded, gitlab.tier lowered.
Exit codes: 0 equal or only stricter, 1 weakened, 2 a baseline file is invalid.`,
    )
    .action((o: Record<string, unknown>) => {
      setExit(
        runGate(
          {
            base: o.base as string,
            head: o.head as string,
            ...(o.format ? { format: o.format as GateFormat } : {}),
            ...(o.output ? { output: o.output as string } : {}),
          },
          io,
        ).code,
      );
    });
}
