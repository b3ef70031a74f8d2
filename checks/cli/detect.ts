// `gitlab-posture detect`: Sigma rules (built-in + --rules DIR) over audit events of the instance and the
// baseline's targets (detections/README.md). Exit 0 no match, 1 a match at/above --fail-on, 2 a rule file did not
// load or a group/project's events could not be read. Unreadable instance events (non-admin) are listed only.
import { existsSync } from 'node:fs';
import { assertWritableFile } from './output-paths';
import { parseDuration } from '../duration';
import { Command, Option } from 'commander';
import { loadBaseline } from '../baseline/load';
import type { Baseline } from '../../model/baseline';
import { detectExitCode, ruleProblemsResult, runDetection } from '../../detections/detect';
import { loadRules, SIGMA_LEVELS, type CompiledRule, type SigmaLevel } from '../../detections/engine';
import type { DetectResult } from '../../detections/model';
import { DETECT_FORMATS, renderDetect, type DetectFormat } from '../../detections/report';
import { jsonSafe } from '../../lib/safe-text';
import { connect, ALLOW_HTTP_HELP } from './connect';
import { repeatable } from './args';
import { UsageError, type CliIO } from './io';

export interface DetectOptions {
  /** Without one, the whole visible instance is read. */
  baseline?: string;
  url?: string;
  allowHttp?: boolean;
  /** User rule directories, added to the built-in rules. */
  rules?: string[];
  /** `7d`, `12h`, `30m`, `2w`, or an ISO-8601 date/time. */
  since: string;
  failOn: SigmaLevel;
  format?: DetectFormat;
  output?: string;
}


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

export async function runDetect(opts: DetectOptions, io: CliIO): Promise<0 | 1 | 2> {
  assertWritableFile('--output', opts.output);
  const since = parseSince(opts.since, io.now());
  const loaded = loadRules(opts.rules ?? []);
  let result: DetectResult;
  if (loaded.problems.length > 0) {
    // Nothing is read from GitLab until every rule loads: a broken rule would otherwise silently match nothing.
    result = ruleProblemsResult(loaded.problems, loaded.rules.length, since, null);
  } else {
    const baseline: Baseline | undefined = opts.baseline ? loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true }) : undefined;
    const { client, gitlab } = await connect(
      { ...(opts.url ? { url: opts.url } : {}), ...(opts.allowHttp ? { allowHttp: true } : {}) },
      io,
      baseline ?? { gitlab: {}, targets: { groups: [], projects: [], exclude: [] } },
    );
    result = await runDetection(client, { rules: loaded.rules, since, isAdmin: gitlab.isAdmin, ...(baseline ? { baseline } : {}) });
  }
  writeDetectReport(io, opts, result, loaded.rules);
  return detectExitCode(result, opts.failOn);
}

function writeDetectReport(io: CliIO, opts: Pick<DetectOptions, 'format' | 'output'>, result: DetectResult, rules: readonly CompiledRule[]): void {
  const format = opts.format ?? (!opts.output && io.stdoutIsTTY ? 'table' : 'json');
  const text = renderDetect(format, result, { rules, generatedAt: io.now().toISOString(), toolVersion: require('../../package.json').version as string });
  // JSON and SARIF keep C1 and U+2028/2029 raw unless escaped; the table and Markdown sanitize their cells.
  const safe = format === 'json' || format === 'sarif' ? jsonSafe(text) : text;
  if (opts.output) io.writeFile(opts.output, safe);
  else io.stdout(safe);
}

export function registerDetect(program: Command, io: CliIO, setExit: (code: 0 | 1 | 2) => void): void {
  program
    .command('detect')
    .description('Run Sigma detection rules over GitLab audit events (instance, groups, projects) and report matches.')
    .option('--baseline <file>', 'read the audit events of this baseline\'s targets (default: ./baseline.yaml when it exists, else every top-level group the token can read)')
    .option('--url <url>', 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)')
    .option('--allow-http', ALLOW_HTTP_HELP)
    .option('--rules <dir>', 'directory of extra Sigma rules (.yml), added to the built-in ones; repeatable', repeatable)
    .option('--since <when>', 'read events since: a duration (30m, 12h, 7d, 2w) or an ISO date', '7d')
    .addOption(new Option('--fail-on <level>', 'lowest Sigma level that fails the run (exit 1)').choices(SIGMA_LEVELS).default('low'))
    .addOption(new Option('--format <format>', 'report format (default: table on a terminal, else json)').choices(DETECT_FORMATS))
    .option('--output <file>', 'write the report to a file instead of stdout')
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
    .action(async (o: Record<string, unknown>) => {
      setExit(
        await runDetect(
          {
            since: o.since as string,
            failOn: o.failOn as SigmaLevel,
            // Like every other command, ./baseline.yaml is the default; without one, the whole visible instance.
            ...(o.baseline ? { baseline: o.baseline as string } : existsSync('baseline.yaml') ? { baseline: 'baseline.yaml' } : {}),
            ...(o.url ? { url: o.url as string } : {}),
            ...(o.allowHttp ? { allowHttp: true } : {}),
            ...(o.rules ? { rules: o.rules as string[] } : {}),
            ...(o.format ? { format: o.format as DetectFormat } : {}),
            ...(o.output ? { output: o.output as string } : {}),
          },
          io,
        ),
      );
    });
}
