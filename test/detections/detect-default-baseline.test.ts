// `detect` reads ./baseline.yaml by default, like every other command (issue 15): its gitlab.url and targets.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';

let sim: RunningSim | undefined;
let dir: string | undefined;
const cwd = process.cwd();
afterEach(async () => {
  process.chdir(cwd);
  await sim?.close();
  sim = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('detect without --baseline', () => {
  it('takes the URL and targets of ./baseline.yaml', async () => {
    sim = await startSim({ scenario: 'incident' });
    dir = tempDir('posture-detect-default-');
    writeBaseline(dir, sim.url, 'targets: { groups: [acme] }\n');
    process.chdir(dir);
    // No --url and no GITLAB_URL: only the baseline names the simulator.
    const run = await runCli(['detect', '--since', '30d', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { summary: { events: number; matches: number } };
    expect(result.summary.matches).toBeGreaterThan(0);
    expect(sim.counts()['GET /groups/:id/audit_events']).toBeGreaterThan(0);
  });

  it('without ./baseline.yaml it still needs a URL, and says so', async () => {
    dir = tempDir('posture-detect-default-');
    process.chdir(dir);
    const run = await runCli(['detect', '--since', '30d', '--format', 'json'], { GITLAB_TOKEN: 'glpat-unused' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/GITLAB_URL|--url/);
  });
});
