// `gitlab-posture check`: baseline -> collect -> evaluate -> report, and the exit code a CI gate can trust.
import { readFileSync } from 'node:fs';
import { loadBaseline } from '../baseline/load';
import { activeRules, evaluate } from '../evaluate';
import { exitCodeFor } from '../exit-code';
import { collect, enrich } from '../collect';
import { render, type ReportFormat } from '../report';
import { createProgress } from '../progress';
import type { CheckResult, ExitCodeValue, Severity, Snapshot } from '../model';
import { CATALOG } from '../../policies/catalog';
import { connect } from './connect';
import { UsageError, type CliIO } from './io';
import { writeReport } from './output';

export interface CheckOptions {
  baseline: string;
  url?: string;
  format?: ReportFormat;
  output?: string;
  failOn: Severity;
  only?: string[];
  concurrency?: number;
  verbose?: boolean;
  saveSnapshot?: string;
  fromSnapshot?: string;
  progress?: boolean;
}

export async function runCheck(opts: CheckOptions, io: CliIO): Promise<ExitCodeValue> {
  const { result, snapshot } = await checkOnce(opts, io);
  if (opts.saveSnapshot) io.writeFile(opts.saveSnapshot, JSON.stringify(snapshot, null, 2) + '\n');
  writeReport(io, opts, result);
  return exitCodeFor(result, opts.failOn);
}

/** Shared by check, explain and revert: the evaluated result and the snapshot it came from. */
export async function checkOnce(opts: CheckOptions, io: CliIO): Promise<{ result: CheckResult; snapshot: Snapshot }> {
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  const rules = activeRules(CATALOG, baseline, opts.only);
  if (opts.fromSnapshot) {
    const snapshot = readSnapshot(opts.fromSnapshot);
    return { snapshot, result: evaluate(snapshot, baseline, { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) }) };
  }
  const progress = createProgress({ enabled: opts.progress ?? io.stderrIsTTY });
  let requests = 0;
  let retries = 0;
  const { client, gitlab } = await connect(
    {
      ...(opts.url ? { url: opts.url } : {}),
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
  const snapshot = await collect(client, baseline, {
    rules,
    gitlab,
    now: io.now,
    onProgress: (done, total) => {
      if (!started) progress.start(total);
      started = true;
      progress.tick();
      void done;
    },
  });
  progress.stop();
  const evalOpts = { rules: CATALOG, ...(opts.only ? { only: opts.only } : {}) };
  let result = evaluate(snapshot, baseline, evalOpts);
  if ((await enrich(client, snapshot, rules, result.findings)) > 0) result = evaluate(snapshot, baseline, evalOpts);
  return { result, snapshot };
}

function readSnapshot(file: string): Snapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--from-snapshot ${file}: cannot read a JSON snapshot (${(err as Error).message}). Save one with --save-snapshot.`);
  }
  const s = parsed as Partial<Snapshot>;
  if (s.schemaVersion !== 1 || !Array.isArray(s.groups) || !Array.isArray(s.projects) || !s.gitlab || !s.takenAt) {
    throw new UsageError(`--from-snapshot ${file}: not a gitlab-posture snapshot (schemaVersion 1 with gitlab, takenAt, groups, projects expected).`);
  }
  return parsed as Snapshot;
}

export { render };
