// `gitlab-posture check`: baseline -> collect -> evaluate -> report, and the exit code a CI gate can trust.
import { loadBaseline } from '../baseline/load';
import { activeRules, evaluate } from '../evaluate';
import { exitCodeFor } from '../exit-code';
import { collect, enrich } from '../collect';
import type { ReportFormat } from '../report';
import { createProgress } from '../progress';
import type { CheckResult, ExitCodeValue } from '../../model/result';
import type { Severity } from '../../model/target';
import type { Snapshot } from '../../model/snapshot';
import { CATALOG } from '../../policies/catalog';
import { connect } from './connect';
import { writePrivateFileAtomic } from '../private-file';
import { terminalSafe } from '../../lib/safe-text';
import { readSnapshotFile } from './args';
import { UsageError, type CliIO } from './io';
import { writeReport } from './output';
import { assertWritableFile } from './output-paths';
import { parseShard, type Shard } from '../scale/shard';
import { parseDuration } from '../duration';
import { InvalidArgumentError, type Command } from 'commander';
import { collectSinceLast, scopeKeyOf } from '../scale/incremental';
import { DEFAULT_STATE_DIR, loadState, saveStateAtomic, stateFile } from '../scale/state-file';

export interface CheckOptions {
  baseline: string;
  url?: string;
  /** `--allow-http`: a plain http:// URL on a non-loopback host. */
  allowHttp?: boolean;
  format?: ReportFormat;
  output?: string;
  failOn: Severity;
  only?: string[];
  concurrency?: number;
  verbose?: boolean;
  saveSnapshot?: string;
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

export async function runCheck(opts: CheckOptions, io: CliIO): Promise<ExitCodeValue> {
  assertWritableFile('--output', opts.output);
  assertWritableFile('--save-snapshot', opts.saveSnapshot);
  const { result, snapshot } = await checkOnce(opts, io);
  // Saved after every live run with --since-last (or an explicit --state-dir), for the next incremental run.
  if (!opts.fromSnapshot && (opts.sinceLast || opts.stateDir)) saveStateAtomic(stateFile(opts.stateDir ?? DEFAULT_STATE_DIR, opts.shard), snapshot);
  // Settings of every target: for the owner only (0600), like journals and state.
  if (opts.saveSnapshot) writePrivateFileAtomic(opts.saveSnapshot, JSON.stringify(snapshot, null, 2) + '\n');
  writeReport(io, opts, result);
  return exitCodeFor(result, opts.failOn);
}

/** Shared by check, explain and revert: the evaluated result and the snapshot it came from. */
export async function checkOnce(opts: CheckOptions, io: CliIO): Promise<{ result: CheckResult; snapshot: Snapshot }> {
  if (opts.sinceLast && opts.shard) {
    throw new UsageError('--since-last and --shard cannot be combined yet: run sharded checks in full, or one incremental check.');
  }
  if (opts.fromSnapshot && (opts.sinceLast || opts.shard)) {
    throw new UsageError('--from-snapshot checks a saved snapshot offline: it cannot be combined with --since-last or --shard.');
  }
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  const rules = activeRules(CATALOG, baseline, opts.only);
  if (opts.fromSnapshot) {
    const snapshot = readSnapshotFile(opts.fromSnapshot, '--from-snapshot');
    return { snapshot, result: evaluate(snapshot, baseline, { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) }) };
  }
  const progress = createProgress({ enabled: opts.progress ?? io.stderrIsTTY });
  let requests = 0;
  let retries = 0;
  const { client, gitlab } = await connect(
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
  );
  let started = false;
  const say = (text: string) => io.stderr(terminalSafe(`gitlab-posture: ${text}\n`));
  let reread: { groups: Set<number>; projects: Set<number> } | undefined;
  let snapshot: Snapshot | undefined;
  if (opts.sinceLast) {
    const file = opts.fromState ?? stateFile(opts.stateDir ?? DEFAULT_STATE_DIR);
    const prev = loadState(file);
    if (!prev.ok && !prev.missing) say(`${prev.reason}; running a full check`);
    const outcome = await collectSinceLast(client, baseline, prev.ok ? prev.snapshot : undefined, {
      rules,
      gitlab,
      now: io.now,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.fullEveryMs ? { fullEveryMs: opts.fullEveryMs } : {}),
    });
    if (outcome.mode === 'incremental') {
      ({ snapshot, reread } = outcome);
      for (const note of outcome.notes) say(note);
    } else say(`full check: ${outcome.reason}`);
  }
  if (!snapshot) {
    snapshot = await collect(client, baseline, {
      rules,
      gitlab,
      now: io.now,
      ...(opts.shard ? { shard: opts.shard } : {}),
      onProgress: (_done, total) => {
        if (!started) progress.start(total);
        started = true;
        progress.tick();
      },
    });
    snapshot.fullPassAt = snapshot.takenAt;
    snapshot.scopeKey = scopeKeyOf(baseline, gitlab, rules);
  }
  progress.stop();
  const evalOpts = { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) };
  let result = evaluate(snapshot, baseline, evalOpts);
  // Incremental: targets reused from the previous snapshot keep their enrichment reads; only re-read ones need it.
  const enrichFor = reread
    ? result.findings.filter((f) => (f.target.kind === 'project' ? reread!.projects : reread!.groups).has(f.target.id))
    : result.findings;
  if ((await enrich(client, snapshot, rules, enrichFor)) > 0) result = evaluate(snapshot, baseline, evalOpts);
  if (opts.shard) result.shard = opts.shard;
  return { result, snapshot };
}

/** The check flags of issue 9 (registered on the check command in main.ts): --shard, --since-last, --state-dir, --from-state, --full-every. */
export function scaleOptionsOf(o: Record<string, unknown>): Pick<CheckOptions, 'shard' | 'sinceLast' | 'stateDir' | 'fromState' | 'fullEveryMs'> {
  return {
    ...(o.shard ? { shard: o.shard as Shard } : {}),
    ...(o.sinceLast ? { sinceLast: true } : {}),
    ...(o.stateDir ? { stateDir: o.stateDir as string } : {}),
    ...(o.fromState ? { fromState: o.fromState as string, sinceLast: true } : {}),
    ...(o.fullEvery ? { fullEveryMs: o.fullEvery as number } : {}),
  };
}

export function addScaleOptions(command: Command): Command {
  return command
    .option('--shard <i/n>', 'check only slice I of N of the targets (e.g. $CI_NODE_INDEX/$CI_NODE_TOTAL); combine with merge', shardArg)
    .option('--since-last', 're-read only targets with audit events since the previous snapshot (saved in --state-dir)')
    .option('--state-dir <dir>', `where --since-last keeps the previous snapshot (default ${DEFAULT_STATE_DIR})`)
    .option('--from-state <file>', 'start --since-last from this snapshot file instead of the state directory')
    .option('--full-every <duration>', 'with --since-last: a full pass when the last one is older (e.g. 24h, 7d; default 24h)', durationArg);
}

function shardArg(value: string): Shard {
  try {
    return parseShard(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected a duration like 24h, 90m, 7d or 2w, got "${value}".`);
  return ms;
}

