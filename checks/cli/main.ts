// The `gitlab-posture` command line (README, "Commands" and "Exit codes"). Only this file turns errors into exit codes:
// 0 compliant, 1 findings, 2 could not complete; a user mistake is one clear line, never a stack trace.
// Start-up stays cheap: the command modules below define flags and help only, and each loads its implementation
// (./run/) when it runs, so `--help` loads commander and little else (test/cli-help/startup.test.ts).
import './heap';
import { Command, CommanderError } from 'commander';
import { redact } from '../../gitlab/redact';
import { ExitCode, type ExitCodeValue } from '../../model/result';
import { terminalSafe } from '../../lib/safe-text';
import { registerCheck } from './check';
import { registerDetect } from './detect';
import { registerExplain } from './explain';
import { registerGate } from './gate';
import { registerInit } from './init';
import { processIO, UsageError, type CliIO } from './io';
import { registerMerge } from './merge';
import { registerRevert } from './revert';
import { registerRules } from './rules';
import { registerUndo } from './undo';
import { registerWatch } from './watch';

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

  registerCheck(program, io, setExit);
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
    // A usage error is the common case and needs nothing more loaded; the rest is sorted by ./errors.
    const lines = err instanceof UsageError ? [err.message] : (await import('./errors')).describeFailure(err, verbose);
    say(`gitlab-posture: ${lines[0]}`);
    for (const line of lines.slice(1)) say(line);
    return ExitCode.Incomplete;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
