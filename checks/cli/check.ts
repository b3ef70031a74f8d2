// `gitlab-posture check`: baseline -> collect -> evaluate -> report, and the exit code a CI gate can trust. The
// flags and help live here; the run (./run/check.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import {
  baselineOption, concurrencyOption, connectionOf, connectionOptions, failOnOf, failOnOption, onlyOption, progressOption, readOf,
  reportOf, reportOptions, scaleOf, scaleOptions, verboseOption, type Flags,
} from './options';

export function registerCheck(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program.command('check').description('Check live GitLab (or a saved snapshot) against the baseline and report drift.');
  baselineOption(cmd);
  connectionOptions(cmd);
  reportOptions(cmd);
  failOnOption(cmd);
  onlyOption(cmd, 'check only these rules (glob, comma-separated or repeated), e.g. "protected-branches.*"');
  concurrencyOption(cmd, 'parallel requests to GitLab (default 8; slows down by itself near the rate limit)');
  cmd
    .option('--save-snapshot <file>', 'save the collected state (never secrets) for offline checks')
    .option('--from-snapshot <file>', 'check a saved snapshot offline instead of live GitLab');
  scaleOptions(cmd);
  progressOption(cmd);
  verboseOption(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture check --baseline baseline.yaml --url https://gitlab.example.com
  gitlab-posture check --format sarif --output posture.sarif --fail-on high
  gitlab-posture check --only 'protected-branches.*,mr-approvals.*'

Exit codes: 0 compliant, 1 findings at or above --fail-on, 2 could not complete (partial data, auth, bad baseline).`,
    )
    .action(async (o: Flags) => {
      const { runCheck } = await import('./run/check');
      setExit(
        await runCheck(
          {
            baseline: o.baseline as string,
            ...failOnOf(o),
            ...connectionOf(o),
            ...reportOf(o),
            ...readOf(o),
            ...(o.saveSnapshot ? { saveSnapshot: o.saveSnapshot as string } : {}),
            ...(o.fromSnapshot ? { fromSnapshot: o.fromSnapshot as string } : {}),
            ...scaleOf(o),
            progress: o.progress !== false && io.stderrIsTTY,
          },
          io,
        ),
      );
    });
}
