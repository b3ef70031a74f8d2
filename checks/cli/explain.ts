// `gitlab-posture explain`: check, then name who changed each drifted setting, when and from where (audit
// events), or say why that cannot be known. Exit codes are check's (README, "Exit codes").
import { parseSince } from './detect';
import { assertWritableFile } from './output-paths';
import { Command, InvalidArgumentError, Option } from 'commander';
import { GitlabClient } from '../../gitlab/client';
import { CATALOG } from '../../policies/catalog';
import { loadBaseline } from '../baseline/load';
import { evaluate } from '../evaluate';
import { exitCodeFor } from '../exit-code';
import { clientAuditReader, explainFindings, type PreviousState } from '../explain';
import { parseDuration } from '../duration';
import { SEVERITIES, type Severity } from '../../model/target';
import { type CheckResult, type ExitCodeValue } from '../../model/result';
import { type Snapshot } from '../../model/snapshot';
import { REPORT_FORMATS, type ReportFormat } from '../report';
import { checkOnce, type CheckOptions } from './check';
import { requireToken, ALLOW_HTTP_HELP } from './connect';
import { positiveInt, readSnapshotFile, ruleGlobs } from './args';
import { clientClockOptions, UsageError, type CliIO } from './io';
import { writeReport } from './output';

export interface ExplainCliOptions extends CheckOptions {
  /** Audit-event window, e.g. `30d`, `12h`, `2w` (default 30d). */
  since?: string;
  /** A snapshot saved earlier (`check --save-snapshot`) to compare with when no audit event can tell. */
  previousSnapshot?: string;
}

export async function runExplain(opts: ExplainCliOptions, io: CliIO): Promise<{ code: ExitCodeValue; result: CheckResult }> {
  assertWritableFile('--output', opts.output);
  const sinceText = opts.since ?? '30d';
  // A duration (30d) or an ISO date (2026-03-01), as detect takes it.
  const sinceMs = io.now().getTime() - parseSince(sinceText, io.now()).getTime();
  if (opts.fromSnapshot) throw new UsageError('explain reads audit events from live GitLab: --from-snapshot is for check. Use --previous-snapshot to compare with a saved snapshot.');
  // Read before contacting GitLab: a bad file is a user mistake, reported before any request.
  const previousSnapshot = opts.previousSnapshot ? readSnapshotFile(opts.previousSnapshot, '--previous-snapshot') : undefined;

  const { result, snapshot } = await checkOnce(opts, io);
  const previous = previousSnapshot ? previousState(previousSnapshot, opts, io) : undefined;
  const token = requireToken(io, 'read_api');
  const client = new GitlabClient({ url: snapshot.gitlab.url, token, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...clientClockOptions(io) });
  const findings = await explainFindings(result.findings, clientAuditReader(client), {
    now: io.now(),
    sinceMs,
    sinceText,
    tier: snapshot.gitlab.tier,
    isAdmin: snapshot.gitlab.isAdmin,
    ...(previous ? { previous } : {}),
  });
  const explained: CheckResult = { ...result, findings };
  writeReport(io, opts, explained);
  return { code: exitCodeFor(explained, opts.failOn), result: explained };
}

function previousState(snapshot: Snapshot, opts: CheckOptions, io: CliIO): PreviousState {
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  return { snapshot, result: evaluate(snapshot, baseline, { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) }) };
}

function sinceArg(value: string): string {
  if (parseDuration(value) === undefined && !(/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(Date.parse(value)))) {
    throw new InvalidArgumentError('expected a duration like 30d, 12h or 2w, or an ISO date like 2026-03-01.');
  }
  return value;
}

export function registerExplain(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('explain')
    .description('Check, then name who changed each drifted setting, when and from which IP (audit events, Premium+).')
    .option('--baseline <file>', 'baseline file', 'baseline.yaml')
    .option('--url <url>', 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)')
    .option('--allow-http', ALLOW_HTTP_HELP)
    .option('--since <window>', 'how far back to read audit events: 30d, 12h, 2w, or an ISO date (2026-03-01)', sinceArg, '30d')
    .addOption(new Option('--format <format>', 'report format (default: table on a terminal, else json)').choices(REPORT_FORMATS))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--previous-snapshot <file>', 'a snapshot saved earlier (check --save-snapshot): compared when no audit event can tell')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (exit 1)').choices(SEVERITIES).default('low'))
    .option('--only <rule-glob>', 'explain only these rules (glob, comma-separated or repeated)', ruleGlobs)
    .option('--concurrency <n>', 'parallel requests to GitLab (default 8)', positiveInt)
    .option('--no-progress', 'no progress bar on stderr')
    .option('--verbose', 'print retries and rate-limit waits to stderr; stack traces on internal errors')
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
    .action(async (o: Record<string, unknown>) => {
      const { code } = await runExplain(
        {
          baseline: o.baseline as string,
          failOn: o.failOn as Severity,
          since: o.since as string,
          ...(o.url ? { url: o.url as string } : {}),
          ...(o.allowHttp ? { allowHttp: true } : {}),
          ...(o.format ? { format: o.format as ReportFormat } : {}),
          ...(o.output ? { output: o.output as string } : {}),
          ...(o.previousSnapshot ? { previousSnapshot: o.previousSnapshot as string } : {}),
          ...(o.only ? { only: o.only as string[] } : {}),
          ...(o.concurrency ? { concurrency: o.concurrency as number } : {}),
          ...(o.verbose ? { verbose: true } : {}),
          progress: o.progress !== false && io.stderrIsTTY,
        },
        io,
      );
      setExit(code);
    });
}
