// `npm run bench -- check`: the full check against 10,000 generated projects with 20 ms latency, and the
// same work done the naive way (one GET per project and per area, one at a time) for the ratio.
import '../checks/cli/heap';
import { GitlabClient } from '../gitlab/client';
import { detectGitlab } from '../gitlab/tier';
import { checkLive } from '../checks/pipeline';
import { planReads } from '../checks/collect/plan';
import { fetchProjectRead } from '../checks/collect/reads';
import type { GlProject } from '../gitlab/types';
import { peakRssMb, printTable } from './report';
import { argValue, startBenchWorld } from './setup';

export async function benchCheck(args: string[]): Promise<void> {
  const naiveSample = Number(argValue(args, '--naive-sample') ?? 200);
  const concurrency = Number(argValue(args, '--concurrency') ?? 8);
  const { sim, latency, baseline, rules } = await startBenchWorld(args);
  try {
    const client = new GitlabClient({ url: sim.url, token: sim.tokens.admin!, concurrency });
    const started = Date.now();
    const { result, snapshot } = await checkLive(baseline, {
      connect: async () => ({ client, gitlab: await detectGitlab(client, { topGroups: baseline.targets.groups }) }),
      now: () => new Date(),
    });
    const gitlab = snapshot.gitlab;
    const wallMs = Date.now() - started;
    const stats = client.stats();
    const checked = snapshot.projects.length;

    // Naive: one GET per project and per area, sequentially, on a sample; extrapolated per project.
    const naive = new GitlabClient({ url: sim.url, token: sim.tokens.admin!, concurrency: 1 });
    const plan = planReads(rules, gitlab);
    const sample = snapshot.projects.slice(0, naiveSample).map((p) => p.project.ok && p.project.value) as GlProject[];
    const naiveStarted = Date.now();
    for (const p of sample) {
      await fetchProjectRead(naive, p.id, 'project');
      for (const read of plan.project) await fetchProjectRead(naive, p.id, read);
    }
    const naivePerProjectMs = (Date.now() - naiveStarted) / Math.max(1, sample.length);
    const naiveRequestsPerProject = naive.stats().requests / Math.max(1, sample.length);
    const naiveEstimateMs = naivePerProjectMs * checked;

    printTable(`check: ${checked} projects, ${snapshot.groups.length} groups, ${latency} ms latency, concurrency ${concurrency}`, [
      ['findings', String(result.summary.findings)],
      ['errors', String(result.summary.errors)],
      ['requests', String(stats.requests)],
      ['requests per project', (stats.requests / Math.max(1, checked)).toFixed(2)],
      ['retries', String(stats.retries)],
      ['wall time', `${(wallMs / 1000).toFixed(1)} s`],
      ['effective concurrency', stats.effectiveConcurrency.toFixed(2)],
      ['peak in flight', String(stats.peakInFlight)],
      ['peak RSS (checker process)', `${peakRssMb().toFixed(0)} MB`],
      ['naive: requests per project', naiveRequestsPerProject.toFixed(2)],
      ['naive: wall time (sample of ' + sample.length + ', extrapolated)', `${(naiveEstimateMs / 1000).toFixed(0)} s`],
      ['speed-up over naive', `${(naiveEstimateMs / wallMs).toFixed(1)}x`],
    ]);
  } finally {
    await sim.stop();
  }
}
