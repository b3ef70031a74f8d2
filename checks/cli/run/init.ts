// `gitlab-posture init --group PATH`, once its flags are parsed: read the live group under the chosen profile and
// write a commented baseline.yaml (checks/init renders it). An incomplete read means the file cannot be trusted (a
// waiver list missing what could not be read would look clean): nothing is written and the exit code is 2.
import { existsSync } from 'node:fs';
import { parseBaseline } from '../../baseline/load';
import type { ProfileName } from '../../../model/baseline';
import { renderInitBaseline } from '../../init';
import { checkLive } from '../../pipeline';
import { ExitCode, type ExitCodeValue } from '../../../model/result';
import { connect, resolveUrl } from '../connect';
import { assertWritableFile } from '../output-paths';
import { terminalSafe } from '../../../lib/safe-text';
import { UsageError, type CliIO } from '../io';

export interface InitOptions {
  group: string;
  profile?: ProfileName;
  waiveExisting?: boolean;
  url?: string;
  allowHttp?: boolean;
  /** Default baseline.yaml. */
  output?: string;
  force?: boolean;
  concurrency?: number;
  verbose?: boolean;
}

export async function runInit(opts: InitOptions, io: CliIO): Promise<ExitCodeValue> {
  const output = opts.output ?? 'baseline.yaml';
  const profile = opts.profile ?? 'baseline';
  assertWritableFile('--output', output);
  if (existsSync(output) && !opts.force) {
    throw new UsageError(`init: ${output} already exists; pass --force to overwrite it, or --output to write another file.`);
  }
  const group = opts.group.trim().replace(/^\/+|\/+$/g, '');
  // resolveUrl refuses credentials in the URL, which init would otherwise write into a file meant for review.
  const url = resolveUrl(opts.url, io, undefined, { allowHttp: Boolean(opts.allowHttp) });
  const today = io.now();

  // The collector plans its reads from a Baseline: build it from the very text init would write (no waivers),
  // so a bad --group is reported in the baseline's own terms before GitLab is contacted.
  const skeleton = renderInitBaseline({ url, group, profile, today });
  const baseline = parseBaseline(skeleton, output, { now: today });
  const { result, snapshot } = await checkLive(baseline, {
    connect: () =>
      connect(
        { url, ...(opts.allowHttp ? { allowHttp: true } : {}), ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...(opts.verbose ? { verbose: true } : {}) },
        io,
        baseline,
      ),
    now: io.now,
  });
  const gitlab = snapshot.gitlab;

  if (!result.summary.complete) {
    const lines = result.errors.map((e) => `  ${e.target.path}: ${e.message}`);
    io.stderr(terminalSafe(
      `gitlab-posture: init: ${result.errors.length} target(s) of ${group} could not be read; ${output} was not written ` +
        '(a baseline from partial data would hide what could not be read):\n' +
        lines.join('\n') +
        '\nUse a token with the Owner role on the group (read_api scope), or fix the errors above, and run init again.\n',
    ));
    return ExitCode.Incomplete;
  }

  const text = renderInitBaseline({
    url,
    group,
    profile,
    today,
    gitlab,
    findings: result.findings,
    skipped: result.skipped,
    waiveExisting: opts.waiveExisting ?? false,
  });
  // Our own output must load; if it does not, that is our bug and nothing half-right is written.
  parseBaseline(text, output, { now: today });
  io.writeFile(output, text);

  const open = result.findings.filter((f) => !f.waived);
  const pairs = new Set(open.map((f) => `${f.rule} ${f.target.path}`)).size;
  const what =
    open.length === 0
      ? 'no current violations'
      : opts.waiveExisting
        ? `${pairs} waiver(s) for ${open.length} current violation(s), expiring in 30 days`
        : `${open.length} current violation(s) listed as a comment (run with --waive-existing to waive them)`;
  io.stdout(
    `Wrote ${output}: group ${group}, profile ${profile}, tier ${gitlab.tier} (detected), ${result.summary.targets} targets read, ${what}.\n` +
      `Next: review it, then run \`gitlab-posture check --baseline ${output}\`.\n`,
  );
  return ExitCode.Ok;
}
