// `npm run bench -- shard`: 10,000 generated projects (20 ms latency): one full check vs 4 shards run at the same
// time, each its own client (in one process: requests per shard), and again as 4 child processes of the real CLI
// (the honest wall time), plus the merge. Ratios, not verdicts.
import '../checks/cli/heap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitlabClient } from '../gitlab/client';
import { detectGitlab } from '../gitlab/tier';
import { evaluate } from '../checks/evaluate';
import { collect } from '../checks/collect';
import { mergeReports } from '../checks/scale/merge';
import type { CheckResult } from '../model/result';
import { CATALOG } from '../policies/catalog';
import { printTable } from './report';
import { argValue, startBenchWorld } from './setup';

function runCliChild(argv: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'checks', 'cli', 'main.ts'), ...argv], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 2));
  });
}

export async function benchShard(args: string[]): Promise<void> {
  const total = Number(argValue(args, '--shards') ?? 4);
  const { sim, projects, latency, dir, baselineFile: file, baseline, rules } = await startBenchWorld(args);
  try {
    const token = sim.tokens.admin!;

    const run = async (shard?: { index: number; total: number }) => {
      const client = new GitlabClient({ url: sim.url, token });
      const started = Date.now();
      const gitlab = await detectGitlab(client, { topGroups: baseline.targets.groups });
      const { snapshot } = await collect(client, baseline, { rules, gitlab, ...(shard ? { shard } : {}) });
      const result = evaluate(snapshot, baseline, { rules: CATALOG });
      if (shard) result.shard = shard;
      return { ms: Date.now() - started, requests: client.stats().requests, result };
    };

    const single = await run();
    const startedShards = Date.now();
    const shards = await Promise.all(Array.from({ length: total }, (_, k) => run({ index: k + 1, total })));
    const shardsMs = Date.now() - startedShards;
    const merged = mergeReports(shards.map((s, k) => ({ file: `shard ${k + 1}`, result: s.result })));
    const shardRequests = shards.map((s) => s.requests);

    // The honest version: N processes of the real CLI at once, then merge.
    const startedChildren = Date.now();
    const outputs = Array.from({ length: total }, (_, k) => join(dir, `shard-${k + 1}.json`));
    const codes = await Promise.all(
      outputs.map((out, k) => runCliChild(['check', '--baseline', file, '--no-progress', '--format', 'json', '--output', out, '--shard', `${k + 1}/${total}`], { GITLAB_TOKEN: token })),
    );
    const childrenMs = Date.now() - startedChildren;
    const startedMerge = Date.now();
    const mergeCode = await runCliChild(['merge', ...outputs, '--format', 'json', '--output', join(dir, 'merged.json')], {});
    const mergeMs = Date.now() - startedMerge;
    const mergedChildren = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as CheckResult;

    const same = JSON.stringify(merged.summary) === JSON.stringify(single.result.summary) && JSON.stringify(mergedChildren.summary) === JSON.stringify(single.result.summary);
    printTable(`shard: ${projects} projects, ${total} shards vs one run, ${latency} ms latency (admin token)`, [
      ['single: requests', String(single.requests)],
      ['single: wall time', `${(single.ms / 1000).toFixed(1)} s`],
      [`${total} shards in one process: requests per shard`, shardRequests.join(', ')],
      [`${total} shards: total requests / single`, `${shardRequests.reduce((a, b) => a + b, 0)} (${(shardRequests.reduce((a, b) => a + b, 0) / single.requests).toFixed(2)}x)`],
      [`${total} shards in one process: wall time`, `${(shardsMs / 1000).toFixed(1)} s (${(single.ms / shardsMs).toFixed(2)}x faster)`],
      [`${total} child processes: wall time (exit ${codes.join('/')})`, `${(childrenMs / 1000).toFixed(1)} s (${(single.ms / childrenMs).toFixed(2)}x faster, includes tsx start-up)`],
      ['merge (child process): wall time', `${(mergeMs / 1000).toFixed(1)} s (exit ${mergeCode})`],
      ['merged summary equals single run', same ? 'yes' : `NO: ${JSON.stringify(merged.summary)} vs ${JSON.stringify(single.result.summary)}`],
    ]);
  } finally {
    await sim.stop();
  }
}
