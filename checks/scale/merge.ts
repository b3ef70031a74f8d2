// `gitlab-posture merge`: shard JSON reports (check --shard I/N --format json) -> one CheckResult, which the
// existing reporters render in any format. Pure: the CLI reads the files. A missing shard is an error entry
// (the run is incomplete, exit 2), never a smaller "clean" instance.
import { sortResultLists } from '../result-order';
import type { CheckResult, Finding, SkippedEntry, TargetErrorEntry } from '../../model/result';
import type { TargetRef } from '../../model/target';

export class MergeError extends Error {
  override name = 'MergeError';
}

export interface ShardInput {
  file: string;
  result: CheckResult;
}

/** The JSON report a shard wrote, read back as a CheckResult; the file name is in every complaint. */
export function parseShardReport(file: string, text: string): CheckResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MergeError(`${file}: not JSON (${(err as Error).message}). Write shard reports with: check --shard I/N --format json --output FILE`);
  }
  const r = parsed as Partial<CheckResult> & Record<string, unknown>;
  const missing = ['gitlab', 'summary', 'findings', 'skipped', 'errors'].filter((k) => r[k] === undefined);
  if (r.schemaVersion !== 1 || missing.length > 0 || !Array.isArray(r.findings) || !Array.isArray(r.skipped) || !Array.isArray(r.errors)) {
    throw new MergeError(
      `${file}: not a gitlab-posture check report (schemaVersion 1 with gitlab, summary, findings, skipped, errors expected${missing.length ? `; missing ${missing.join(', ')}` : ''}).`,
    );
  }
  if (r.shard !== undefined) {
    const s = r.shard as { index?: unknown; total?: unknown };
    if (!Number.isInteger(s.index) || !Number.isInteger(s.total) || (s.total as number) < 1 || (s.index as number) < 1 || (s.index as number) > (s.total as number)) {
      throw new MergeError(`${file}: shard must be {index, total} with 1 <= index <= total, got ${JSON.stringify(r.shard)}.`);
    }
  }
  return r as CheckResult;
}

const MISSING_SHARD_TARGET: TargetRef = { kind: 'instance', path: '(shards)', id: 0 };

export function mergeReports(inputs: readonly ShardInput[]): CheckResult {
  if (inputs.length === 0) throw new MergeError('no reports given. Usage: gitlab-posture merge shard-1.json shard-2.json … [--format …] [--output FILE]');
  const first = inputs[0]!;
  const unsharded = inputs.filter((i) => !i.result.shard);
  if (unsharded.length > 0 && inputs.length > 1) {
    throw new MergeError(
      `${unsharded.map((i) => i.file).join(', ')}: not a shard report (no "shard" key). Merge only reports of check --shard I/N; a report of a full run needs no merge.`,
    );
  }
  const total = first.result.shard?.total ?? 1;
  const byIndex = new Map<number, string>();
  for (const { file, result } of inputs) {
    if (result.gitlab.url !== first.result.gitlab.url) {
      throw new MergeError(`${file}: checks ${result.gitlab.url}, but ${first.file} checks ${first.result.gitlab.url}. Merge reports of one instance.`);
    }
    const shard = result.shard ?? { index: 1, total: 1 };
    if (shard.total !== total) {
      throw new MergeError(`${file}: shard ${shard.index}/${shard.total}, but ${first.file} is one of ${total}. Merge the reports of one sharded run.`);
    }
    const seen = byIndex.get(shard.index);
    if (seen) throw new MergeError(`${file}: shard ${shard.index}/${total} was already given (${seen}). Pass each shard once.`);
    byIndex.set(shard.index, file);
  }

  const findings: Finding[] = inputs.flatMap((i) => i.result.findings);
  const skipped: SkippedEntry[] = inputs.flatMap((i) => i.result.skipped);
  // A baseline group that cannot be resolved fails the listing in every shard: the same error, once.
  const errors = dedupe(inputs.flatMap((i) => i.result.errors), (e) => JSON.stringify([e.target.kind, e.target.path, e.target.id, e.message]));
  const missing = Array.from({ length: total }, (_, k) => k + 1).filter((k) => !byIndex.has(k));
  for (const k of missing) {
    errors.push({
      target: MISSING_SHARD_TARGET,
      message: `shard ${k}/${total} missing: its targets were not checked. Pass every shard's report (check --shard ${k}/${total} --format json), or re-run that shard.`,
    });
  }
  const expired = dedupe(inputs.flatMap((i) => i.result.expiredWaivers ?? []), (w) => JSON.stringify([w.rule, w.target, w.expires]));

  sortResultLists({ findings, skipped, errors });

  const waived = findings.filter((f) => f.waived).length;
  return {
    schemaVersion: 1,
    gitlab: first.result.gitlab,
    summary: {
      targets: inputs.reduce((n, i) => n + i.result.summary.targets, 0),
      findings: findings.length - waived,
      waived,
      skipped: skipped.length,
      errors: errors.length,
      complete: errors.length === 0 && missing.length === 0 && inputs.every((i) => i.result.summary.complete),
    },
    findings,
    skipped,
    errors: errors as TargetErrorEntry[],
    ...(expired.length > 0 ? { expiredWaivers: expired } : {}),
  };
}

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
