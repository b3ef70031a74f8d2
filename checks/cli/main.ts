// The `gitlab-posture` command line (README, "Commands" and "Exit codes"). Only this file turns errors into exit codes:
// 0 compliant, 1 findings, 2 could not complete; a user mistake is one clear line, never a stack trace.
import { positiveInt, ruleGlobs } from './args';
import './heap';
import { Command, CommanderError, Option } from 'commander';
import { BaselineError } from '../baseline/errors';
import { UnknownRuleError } from '../evaluate';
import { GitlabError } from '../../gitlab/errors';
import { redact } from '../../gitlab/redact';
import { TierUndeterminedError } from '../../gitlab/tier';
import { SEVERITIES, type Severity } from '../../model/target';
import { ExitCode, type ExitCodeValue } from '../../model/result';
import { REPORT_FORMATS, type ReportFormat } from '../report';
import { addScaleOptions, runCheck, scaleOptionsOf } from './check';
import { addAllowHttp } from './connect';
import { registerMerge } from './merge';
import { registerRevert } from './revert';
import { registerUndo } from './undo';
import { registerDetect } from './detect';
import { registerGate } from './gate';
import { registerExplain } from './explain';
import { registerInit } from './init';
import { registerRules } from './rules';
import { registerWatch } from './watch';
import { processIO, UsageError, type CliIO } from './io';
import { terminalSafe } from '../../lib/safe-text';

export const VERSION: string = require('../../package.json').version;

export function buildProgram(io: CliIO, setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('gitlab-posture')
    .description('Keep GitLab groups and projects hardened: check drift against a baseline, report it, and gate CI on it.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture init --group acme --url https://gitlab.example.com --waive-existing
  GITLAB_TOKEN=glpat-… gitlab-posture check --baseline baseline.yaml
  gitlab-posture <command> --help

Exit codes: 0 compliant / nothing to do, 1 findings, 2 could not complete. Docs: docs/playbook.md, docs/rules.md.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  addAllowHttp(addScaleOptions(program.command('check')))
    .description('Check live GitLab (or a saved snapshot) against the baseline and report drift.')
    .option('--baseline <file>', 'baseline file', 'baseline.yaml')
    .option('--url <url>', 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)')
    .addOption(new Option('--format <format>', 'report format (default: table on a terminal, else json)').choices(REPORT_FORMATS))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1)').choices(SEVERITIES).default('low'))
    .option('--only <rule-glob>', 'check only these rules (glob, comma-separated or repeated), e.g. "protected-branches.*"', ruleGlobs)
    .option('--concurrency <n>', 'parallel requests to GitLab (default 8; slows down by itself near the rate limit)', positiveInt)
    .option('--save-snapshot <file>', 'save the collected state (never secrets) for offline checks')
    .option('--from-snapshot <file>', 'check a saved snapshot offline instead of live GitLab')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--verbose', 'print retries and rate-limit waits to stderr; stack traces on internal errors')
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture check --baseline baseline.yaml --url https://gitlab.example.com
  gitlab-posture check --format sarif --output posture.sarif --fail-on high
  gitlab-posture check --only 'protected-branches.*,mr-approvals.*'

Exit codes: 0 compliant, 1 findings at or above --fail-on, 2 could not complete (partial data, auth, bad baseline).`,
    )
    .action(async (o: Record<string, unknown>) => {
      setExit(
        await runCheck(
          {
            baseline: o.baseline as string,
            failOn: o.failOn as Severity,
            ...(o.url ? { url: o.url as string } : {}),
            ...(o.allowHttp ? { allowHttp: true } : {}),
            ...(o.format ? { format: o.format as ReportFormat } : {}),
            ...(o.output ? { output: o.output as string } : {}),
            ...(o.only ? { only: o.only as string[] } : {}),
            ...(o.concurrency ? { concurrency: o.concurrency as number } : {}),
            ...(o.saveSnapshot ? { saveSnapshot: o.saveSnapshot as string } : {}),
            ...(o.fromSnapshot ? { fromSnapshot: o.fromSnapshot as string } : {}),
            ...(o.verbose ? { verbose: true } : {}),
            ...scaleOptionsOf(o),
            progress: o.progress !== false && io.stderrIsTTY,
          },
          io,
        ),
      );
    });

  registerExplain(program, io, setExit);
  registerRevert(program, io, setExit);
  registerUndo(program, io, setExit);
  registerDetect(program, io, setExit);
  registerGate(program, io, setExit);
  registerWatch(program, io, setExit);
  registerInit(program, io, setExit);
  registerRules(program, io, setExit);
  registerMerge(program, io, setExit);
  return program;
}

/** Runs the CLI in-process; tests call this with a captured IO. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.Ok;
  const verbose = argv.includes('--verbose');
  const token = io.env.GITLAB_TOKEN;
  // Error messages quote GitLab's answers and file contents: no raw control character reaches the terminal.
  const say = (text: string) => io.stderr(terminalSafe(redact(text, token)) + '\n');
  try {
    await buildProgram(io, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes are exit 2 (README, "Exit codes").
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Incomplete;
    }
    if (err instanceof BaselineError || err instanceof UsageError || err instanceof UnknownRuleError || err instanceof TierUndeterminedError) {
      say(`gitlab-posture: ${err.message}`);
      return ExitCode.Incomplete;
    }
    if (err instanceof GitlabError) {
      say(`gitlab-posture: ${err.message}`);
      if (verbose && err.stack) say(err.stack);
      return ExitCode.Incomplete;
    }
    say(`gitlab-posture: internal error: ${(err as Error)?.message ?? String(err)}${verbose ? '' : ' (run with --verbose for details)'}`);
    if (verbose && (err as Error)?.stack) say((err as Error).stack!);
    return ExitCode.Incomplete;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
