// The check pipeline, shared by check, explain, revert and init: baseline -> collect -> evaluate (-> enrich the
// findings that ask for a second read -> evaluate again). No flags, no environment, no terminal: the caller opens
// the connection and decides what to print.
import type { GitlabClient } from '../gitlab/client';
import type { CheckResult } from '../model/result';
import type { GitlabInfo, Snapshot } from '../model/snapshot';
import { CATALOG } from '../policies/catalog';
import type { Baseline } from '../model/baseline';
import { collect, enrich, type Collected, type CollectMode } from './collect';
import { activeRules, evaluate } from './evaluate';
import type { Shard } from './scale/shard';

export interface Connection {
  client: GitlabClient;
  gitlab: GitlabInfo;
}

export interface LiveCheckOptions {
  /** `--only`: rule globs. */
  only?: readonly string[];
  /** Called once the rule selection is known to be valid, so a bad --only never costs a request. */
  connect: () => Promise<Connection>;
  /** Default full. */
  mode?: CollectMode;
  shard?: Shard;
  now: () => Date;
  onProgress?: (done: number, total: number) => void;
  onNote?: (text: string) => void;
}

export interface Checked {
  result: CheckResult;
  snapshot: Snapshot;
}

/** Reads live GitLab and judges it. */
export async function checkLive(baseline: Baseline, opts: LiveCheckOptions): Promise<Checked & Omit<Collected, 'snapshot'>> {
  const rules = activeRules(CATALOG, baseline, opts.only);
  const { client, gitlab } = await opts.connect();
  const { snapshot, ...pass } = await collect(client, baseline, {
    rules,
    gitlab,
    now: opts.now,
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.shard ? { shard: opts.shard } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
  });
  const evalOpts = { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) };
  let result = evaluate(snapshot, baseline, evalOpts);
  // Incremental: targets reused from the previous snapshot keep their enrichment reads; only re-read ones need it.
  const { reread } = pass;
  const enrichFor = reread
    ? result.findings.filter((f) => (f.target.kind === 'project' ? reread.projects : reread.groups).has(f.target.id))
    : result.findings;
  if ((await enrich(client, snapshot, rules, enrichFor)) > 0) result = evaluate(snapshot, baseline, evalOpts);
  if (opts.shard) result.shard = opts.shard;
  return { result, snapshot, ...pass };
}

/**
 * Judges a saved snapshot offline (`check --from-snapshot`, explain's previous state). `read` is called once the
 * rule selection is known to be valid, as `connect` is for a live check.
 */
export function checkSnapshot(read: () => Snapshot, baseline: Baseline, only?: readonly string[]): Checked {
  activeRules(CATALOG, baseline, only);
  const snapshot = read();
  return { snapshot, result: evaluate(snapshot, baseline, { rules: CATALOG, ...(only ? { only } : {}) }) };
}
