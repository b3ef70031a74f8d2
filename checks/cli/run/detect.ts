// `gitlab-posture detect`, once its flags are parsed: Sigma rules (built-in + --rules DIR) over audit events of
// the instance and the baseline's targets (detections/README.md). Exit 0 no match, 1 a match at/above --fail-on, 2 a
// rule file did not load or a group/project's events could not be read. Unreadable instance events (non-admin)
// are listed only.
import { assertWritableFile } from '../output-paths';
import { loadBaseline } from '../../baseline/load';
import type { Baseline } from '../../../model/baseline';
import { detectExitCode, ruleProblemsResult, runDetection } from '../../../detections/detect';
import { loadRules, type CompiledRule, type SigmaLevel } from '../../../detections/engine';
import type { DetectResult } from '../../../detections/model';
import { renderDetect, type DetectFormat } from '../../../detections/report';
import { jsonSafe } from '../../../lib/safe-text';
import { connect } from '../connect';
import { parseSince } from '../detect';
import { defaultFormat } from '../output';
import type { CliIO } from '../io';

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
  const format = opts.format ?? defaultFormat(io, opts.output);
  const text = renderDetect(format, result, { rules, generatedAt: io.now().toISOString(), toolVersion: require('../../../package.json').version as string });
  // JSON and SARIF keep C1 and U+2028/2029 raw unless escaped; the table and Markdown sanitize their cells.
  const safe = format === 'json' || format === 'sarif' ? jsonSafe(text) : text;
  if (opts.output) io.writeFile(opts.output, safe);
  else io.stdout(safe);
}
