// `gitlab-posture explain`: check, then name who changed each drifted setting, when and from where (audit
// events), or say why that cannot be known. Exit codes are check's (README, "Exit codes"). The flags and
// help live here; the run (./run/explain.ts) is loaded only when the command runs.
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../duration';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import {
  baselineOption, concurrencyOption, connectionOf, connectionOptions, failOnOf, failOnOption, onlyOption, progressOption, readOf,
  reportOf, reportOptions, verboseOption, type Flags,
} from './options';

function sinceArg(value: string): string {
  if (parseDuration(value) === undefined && !(/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(Date.parse(value)))) {
    throw new InvalidArgumentError('expected a duration like 30d, 12h or 2w, or an ISO date like 2026-03-01.');
  }
  return value;
}

export function registerExplain(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('explain')
    .description('Check, then name who changed each drifted setting, when and from which IP (audit events, Premium+).');
  baselineOption(cmd);
  connectionOptions(cmd);
  cmd.option('--since <window>', 'how far back to read audit events: 30d, 12h, 2w, or an ISO date (2026-03-01)', sinceArg, '30d');
  reportOptions(cmd);
  cmd.option('--previous-snapshot <file>', 'a snapshot saved earlier (check --save-snapshot): compared when no audit event can tell');
  failOnOption(cmd);
  onlyOption(cmd, 'explain only these rules (glob, comma-separated or repeated)');
  concurrencyOption(cmd, 'parallel requests to GitLab (default 8)');
  progressOption(cmd);
  verboseOption(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture explain --baseline baseline.yaml --since 7d
  gitlab-posture explain --format markdown --output explain.md --previous-snapshot last-week.json

Each finding gets "explanation": { event_id, author, at, ip, event_name, from, to } or { unavailable: why }
(a setting GitLab does not audit, a tier without audit events, or no event in the window).
The token needs read_api and a role that sees all audit events (group Owner, project Maintainer).
Exit codes (as check): 0 compliant, 1 findings at or above --fail-on, 2 could not complete.`,
    )
    .action(async (o: Flags) => {
      const { runExplain } = await import('./run/explain');
      const { code } = await runExplain(
        {
          baseline: o.baseline as string,
          ...failOnOf(o),
          since: o.since as string,
          ...connectionOf(o),
          ...reportOf(o),
          ...(o.previousSnapshot ? { previousSnapshot: o.previousSnapshot as string } : {}),
          ...readOf(o),
          progress: o.progress !== false && io.stderrIsTTY,
        },
        io,
      );
      setExit(code);
    });
}
