// `gitlab-posture explain`, once its flags are parsed: check, then name who changed each drifted setting, when
// and from where (audit events), or say why that cannot be known. Exit codes are check's.
import { targetTier } from '../../../model/tiers';
import { parseSince } from '../detect';
import { assertWritableFile } from '../output-paths';
import { GitlabClient } from '../../../gitlab/client';
import { loadBaseline } from '../../baseline/load';
import { exitCodeFor } from '../../exit-code';
import { clientAuditReader, explainFindings, type PreviousState } from '../../explain';
import { checkSnapshot } from '../../pipeline';
import { type CheckResult, type ExitCodeValue } from '../../../model/result';
import { type Snapshot } from '../../../model/snapshot';
import { checkFromFlags } from '../check-flags';
import { requireToken } from '../connect';
import { readSnapshotFile } from '../snapshot-file';
import { clientClockOptions, UsageError, type CliIO } from '../io';
import { writeReport } from '../output';
import type { CheckOptions } from './check';

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

  const { result, snapshot } = await checkFromFlags(opts, io);
  const previous = previousSnapshot ? previousState(previousSnapshot, opts, io) : undefined;
  const token = requireToken(io, 'read_api');
  const client = new GitlabClient({ url: snapshot.gitlab.url, token, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...clientClockOptions(io) });
  const findings = await explainFindings(result.findings, clientAuditReader(client), {
    now: io.now(),
    sinceMs,
    sinceText,
    tier: snapshot.gitlab.tier,
    // Audit events are Premium: each finding's target at its own namespace's tier.
    tierOf: (target) => {
      const t = targetTier(snapshot.gitlab, target);
      return 'tier' in t ? t.tier : undefined;
    },
    isAdmin: snapshot.gitlab.isAdmin,
    ...(previous ? { previous } : {}),
  });
  const explained: CheckResult = { ...result, findings };
  writeReport(io, opts, explained);
  return { code: exitCodeFor(explained, opts.failOn), result: explained };
}

function previousState(snapshot: Snapshot, opts: CheckOptions, io: CliIO): PreviousState {
  return checkSnapshot(() => snapshot, loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true }), opts.only);
}
