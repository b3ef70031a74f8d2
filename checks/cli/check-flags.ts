// From the check flags (shared by check, explain and revert) to the pipeline (checks/pipeline.ts): the baseline
// file, a snapshot file or a connection from flags and environment, the state file of --since-last, and the
// progress bar and notes on stderr.
import { loadBaseline } from '../baseline/load';
import { checkLive, checkSnapshot, type Checked } from '../pipeline';
import { createProgress } from '../progress';
import { terminalSafe } from '../../lib/safe-text';
import type { Shard } from '../scale/shard';
import { loadState, stateFile } from '../scale/state-file';
import { connect } from './connect';
import { UsageError, type CliIO } from './io';
import { DEFAULT_STATE_DIR } from './options';
import { readSnapshotFile } from './snapshot-file';

export interface CheckFlags {
  baseline: string;
  url?: string;
  /** `--allow-http`: a plain http:// URL on a non-loopback host. */
  allowHttp?: boolean;
  only?: string[];
  concurrency?: number;
  verbose?: boolean;
  fromSnapshot?: string;
  progress?: boolean;
  /** `--shard I/N`: check only this slice of the targets (merge the JSON reports with `merge`). */
  shard?: Shard;
  /** `--since-last`: re-read only targets with audit events since the previous snapshot. */
  sinceLast?: boolean;
  /** Where the previous snapshot lives (default .posture); given explicitly, a plain check saves there too. */
  stateDir?: string;
  /** `--from-state FILE`: the previous snapshot to start from, instead of the state directory's. */
  fromState?: string;
  /** `--full-every`: a full pass when the previous one is older (ms; default 24 h). */
  fullEveryMs?: number;
}

/** The evaluated result and the snapshot it came from. */
export async function checkFromFlags(opts: CheckFlags, io: CliIO): Promise<Checked> {
  if (opts.sinceLast && opts.shard) {
    throw new UsageError('--since-last and --shard cannot be combined yet: run sharded checks in full, or one incremental check.');
  }
  if (opts.fromSnapshot && (opts.sinceLast || opts.shard)) {
    throw new UsageError('--from-snapshot checks a saved snapshot offline: it cannot be combined with --since-last or --shard.');
  }
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  if (opts.fromSnapshot) return checkSnapshot(() => readSnapshotFile(opts.fromSnapshot!, '--from-snapshot'), baseline, opts.only);

  const say = (text: string) => io.stderr(terminalSafe(`gitlab-posture: ${text}\n`));
  const progress = createProgress({ enabled: opts.progress ?? io.stderrIsTTY });
  let requests = 0;
  let retries = 0;
  let started = false;
  try {
    return await checkLive(baseline, {
      ...(opts.only ? { only: opts.only } : {}),
      connect: () =>
        connect(
          {
            ...(opts.url ? { url: opts.url } : {}),
            ...(opts.allowHttp ? { allowHttp: true } : {}),
            ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
            ...(opts.verbose ? { verbose: true } : {}),
            onEvent: (e) => {
              if (e.type === 'request') requests++;
              if (e.type === 'retry') retries++;
              progress.update({ requests, retries });
            },
          },
          io,
          baseline,
        ),
      ...(opts.sinceLast ? { mode: { kind: 'since' as const, previous: previousSnapshot(opts, say), ...(opts.fullEveryMs ? { fullEveryMs: opts.fullEveryMs } : {}) } } : {}),
      ...(opts.shard ? { shard: opts.shard } : {}),
      now: io.now,
      onProgress: (done, total) => {
        if (!started) progress.start(total);
        started = true;
        progress.tick();
        if (done === total) progress.stop();
      },
      onNote: say,
    });
  } finally {
    progress.stop();
  }
}

/** The state file's snapshot; an unusable one is said and a full pass runs (a missing one is the first run). */
function previousSnapshot(opts: CheckFlags, say: (text: string) => void) {
  const prev = loadState(opts.fromState ?? stateFile(opts.stateDir ?? DEFAULT_STATE_DIR));
  if (!prev.ok && !prev.missing) say(`${prev.reason}; running a full check`);
  return prev.ok ? prev.snapshot : undefined;
}
