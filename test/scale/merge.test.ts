// Sharded checks merged back equal one full run (findings, skipped, errors, summary), on the incident scenario
// and on a generated one; a missing or repeated shard is never a smaller clean instance.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import type { CheckResult } from '../../model/result';
import { mergeReports } from '../../checks/scale/merge';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const key = (x: unknown) => JSON.stringify(x);
const sortedKeys = (xs: unknown[]) => xs.map(key).sort();

async function shardedVsFull(token: string, baselineBody: string, total: number) {
  const dir = tempDir();
  const baseline = writeBaseline(dir, sim!.url, baselineBody);
  const env = { GITLAB_TOKEN: token };
  const full = await runCli(['check', '--baseline', baseline, '--format', 'json'], env);
  const files: string[] = [];
  const shardTargets: number[] = [];
  for (let i = 1; i <= total; i += 1) {
    const file = join(dir, `shard-${i}.json`);
    const run = await runCli(['check', '--baseline', baseline, '--format', 'json', '--output', file, '--shard', `${i}/${total}`], env);
    expect(run.code).toBe(full.code);
    const report = JSON.parse(readFileSync(file, 'utf8')) as CheckResult;
    expect(report.shard).toEqual({ index: i, total });
    shardTargets.push(report.summary.targets);
    files.push(file);
  }
  const merged = await runCli(['merge', ...files, '--format', 'json'], env);
  return { dir, files, full, merged, fullResult: JSON.parse(full.stdout) as CheckResult, mergedResult: JSON.parse(merged.stdout) as CheckResult, shardTargets };
}

function expectSame(merged: CheckResult, full: CheckResult) {
  expect(sortedKeys(merged.findings)).toEqual(sortedKeys(full.findings));
  expect(sortedKeys(merged.skipped)).toEqual(sortedKeys(full.skipped));
  expect(sortedKeys(merged.errors)).toEqual(sortedKeys(full.errors));
  expect(merged.summary).toEqual(full.summary);
  expect(merged.gitlab).toEqual(full.gitlab);
}

describe('check --shard + merge', () => {
  it('incident scenario, 3 shards: merged equals the full run, exit 1 like check', async () => {
    sim = await startSim({ scenario: 'incident' });
    const r = await shardedVsFull(sim.tokens.owner, ACME_HARDENED, 3);
    expect(r.full.code).toBe(1);
    expect(r.merged.code).toBe(1);
    expectSame(r.mergedResult, r.fullResult);
    expect(r.fullResult.findings.length).toBeGreaterThan(5);
    // Every shard did some of the work, and none of them all of it.
    expect(r.shardTargets.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(Math.max(...r.shardTargets)).toBeLessThan(r.fullResult.summary.targets);
  });

  it('generated scenario with an admin token (instance rules in shard 1 only), 4 shards: merged equals the full run', async () => {
    sim = await startSim({ scenario: 'generate', projects: 240 });
    const r = await shardedVsFull(sim.tokens.admin, 'targets: { groups: [bench] }\nprofile: hardened\n', 4);
    expectSame(r.mergedResult, r.fullResult);
    expect(r.fullResult.summary.findings).toBeGreaterThan(20);
    expect(r.fullResult.summary.complete).toBe(true);
  });

  it('per-target reads happen only in the shard of the target; the listing happens in each', async () => {
    sim = await startSim({ scenario: 'generate', projects: 200 });
    const dir = tempDir();
    const baseline = writeBaseline(dir, sim.url, 'targets: { groups: [bench] }\nprofile: hardened\n');
    sim.resetCounts();
    const run = await runCli(['check', '--baseline', baseline, '--format', 'json', '--shard', '2/4'], { GITLAB_TOKEN: sim.tokens.owner });
    const report = JSON.parse(run.stdout) as CheckResult;
    const projectTargets = report.summary.targets - 0;
    const counts = sim.counts();
    expect(counts['GET /groups/:id/projects']).toBe(2); // 200 projects, 100 per page
    // One protected-branches read per project of this shard only.
    const projectsInShard = new Set([...report.findings, ...report.skipped].filter((x) => x.target.kind === 'project').map((x) => x.target.id));
    expect(counts['GET /projects/:id/protected_branches']).toBeLessThan(200);
    expect(counts['GET /projects/:id/protected_branches']).toBeGreaterThanOrEqual(projectsInShard.size);
    expect(projectTargets).toBeLessThan(200);
  });

  it('a missing shard: merged report is incomplete, names the shard, exit 2', async () => {
    sim = await startSim({ scenario: 'incident' });
    const r = await shardedVsFull(sim.tokens.owner, ACME_HARDENED, 3);
    const run = await runCli(['merge', r.files[0]!, r.files[2]!, '--format', 'json'], {});
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.summary.complete).toBe(false);
    expect(result.errors.map((e) => e.message).filter((m) => m.startsWith('shard 2/3 missing'))).toHaveLength(1);
  });

  it('every report format renders the merged result', async () => {
    sim = await startSim({ scenario: 'incident' });
    const r = await shardedVsFull(sim.tokens.owner, ACME_HARDENED, 2);
    const sarif = await runCli(['merge', ...r.files, '--format', 'sarif'], {});
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(r.fullResult.summary.findings);
    const cq = await runCli(['merge', ...r.files, '--format', 'codequality'], {});
    expect(JSON.parse(cq.stdout)).toHaveLength(r.fullResult.summary.findings);
    for (const format of ['junit', 'html', 'markdown', 'table']) {
      const run = await runCli(['merge', ...r.files, '--format', format], {});
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('acme/web');
    }
  });

  it('rejects a repeated shard, mixed totals, a non-report and a report of another instance (exit 2, file named)', async () => {
    const dir = tempDir();
    const report = (index: number, total: number, url = 'https://gitlab.example.com') => {
      const file = join(dir, `r-${index}-${total}-${url.length}.json`);
      writeFileSync(
        file,
        JSON.stringify({ schemaVersion: 1, gitlab: { url, version: '17.9', tier: 'ultimate' }, summary: { targets: 1, findings: 0, waived: 0, skipped: 0, errors: 0, complete: true }, findings: [], skipped: [], errors: [], shard: { index, total } }),
      );
      return file;
    };
    const a = report(1, 2);
    const twice = await runCli(['merge', a, a], {});
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 1/2 was already given');
    const mixed = await runCli(['merge', a, report(2, 3)], {});
    expect(mixed.stderr).toContain('is one of 2');
    const other = await runCli(['merge', a, report(2, 2, 'https://other.example.com')], {});
    expect(other.stderr).toContain('checks https://other.example.com');
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    const bad = await runCli(['merge', junk], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${junk}: not a gitlab-posture check report`);
    const ok = await runCli(['merge', a, report(2, 2), '--format', 'json'], {});
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).summary).toEqual({ targets: 2, findings: 0, waived: 0, skipped: 0, errors: 0, complete: true });
  });

  it('mergeReports: an incomplete shard makes the merge incomplete; identical listing errors appear once', () => {
    const base = (index: number, complete: boolean): CheckResult => ({
      schemaVersion: 1,
      gitlab: { url: 'u', version: 'v', tier: 'free' },
      summary: { targets: 1, findings: 0, waived: 0, skipped: 0, errors: 1, complete },
      findings: [],
      skipped: [],
      errors: [{ target: { kind: 'group', path: 'gone', id: 0 }, message: '404 Group Not Found' }],
      shard: { index, total: 2 },
    });
    const merged = mergeReports([{ file: 'a', result: base(1, false) }, { file: 'b', result: base(2, false) }]);
    expect(merged.errors).toEqual([{ target: { kind: 'group', path: 'gone', id: 0 }, message: '404 Group Not Found' }]);
    expect(merged.summary).toEqual({ targets: 2, findings: 0, waived: 0, skipped: 0, errors: 1, complete: false });
  });
});
