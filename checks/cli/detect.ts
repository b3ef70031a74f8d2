// `gitlab-posture detect`: Sigma rules (built-in + --rules DIR) over audit events of the instance and the
// baseline's targets (detections/README.md). The flags and help live here; the run (./run/detect.ts) is loaded
// only when the command runs.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDuration } from '../duration';
import { SIGMA_LEVELS, type SigmaLevel } from '../../detections/engine/types';
import type { ExitCodeValue } from '../../model/result';
import { DETECT_FORMATS, type DetectFormat } from '../../detections/report/formats';
import { UsageError, type CliIO } from './io';
import { baselineOption, connectionOf, connectionOptions, failOnOption, reportOf, reportOptions, rulesDirOption, type Flags } from './options';

/** `--since 7d` -> the moment 7 days before `now`; an ISO date/time is taken as is. */
export function parseSince(value: string, now: Date): Date {
  const ms = parseDuration(value);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(Date.parse(value))) {
    const at = new Date(Date.parse(value));
    if (at.getTime() <= now.getTime()) return at;
    throw new UsageError(`--since ${value}: that is in the future; give a past date or a duration like 7d.`);
  }
  throw new UsageError(`--since ${value}: expected a duration like 30m, 12h, 7d or 2w, or an ISO date like 2026-03-01.`);
}

export function registerDetect(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('detect')
    .description('Run Sigma detection rules over GitLab audit events (instance, groups, projects) and report matches.');
  baselineOption(
    cmd,
    "read the audit events of this baseline's targets (default: ./baseline.yaml when it exists, else every top-level group the token can read)",
    null,
  );
  connectionOptions(cmd);
  rulesDirOption(cmd);
  cmd.option('--since <when>', 'read events since: a duration (30m, 12h, 7d, 2w) or an ISO date', '7d');
  failOnOption(cmd, SIGMA_LEVELS, 'lowest Sigma level that fails the run (exit 1)', 'level');
  reportOptions(cmd, DETECT_FORMATS);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture detect --baseline baseline.yaml --since 7d
  gitlab-posture detect --url https://gitlab.example.com --rules ./my-rules --fail-on high --format sarif --output detect.sarif
  gitlab-posture detect --rules ./my-rules --format json   # a broken rule file is reported before GitLab is contacted

Instance-wide events need an administrator token; without one they are listed under summary.unreadable.
Exit codes: 0 no match, 1 a match at or above --fail-on, 2 a rule file is invalid or a group/project's audit events could not be read.`,
    )
    .action(async (o: Flags) => {
      const { runDetect } = await import('./run/detect');
      setExit(
        await runDetect(
          {
            since: o.since as string,
            failOn: o.failOn as SigmaLevel,
            // Like every other command, ./baseline.yaml is the default; without one, the whole visible instance.
            ...(o.baseline ? { baseline: o.baseline as string } : existsSync('baseline.yaml') ? { baseline: 'baseline.yaml' } : {}),
            ...connectionOf(o),
            ...(o.rules ? { rules: o.rules as string[] } : {}),
            ...reportOf<DetectFormat>(o),
          },
          io,
        ),
      );
    });
}
