// The token never appears in output, logs, reports, journals, snapshots or state files: every command of an
// end-to-end run against the simulator, with --verbose and faults that make the client retry, and every file
// the run leaves on disk, grepped for it.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, tempDir, writeBaseline, type CliRun } from '../helpers/cli';
import { fakeClock } from '../helpers/clock';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the token never leaves the process', () => {
  it('in any output or file of check, explain, revert, undo, detect, gate, init, rules, merge', async () => {
    sim = await startSim({
      scenario: 'incident',
      // Faults on the first reads of several routes: retries, and their --verbose lines, happen everywhere.
      faultPlan: [
        { method: 'GET', route: '/projects/:id/hooks', status: 502, times: 2 },
        { method: 'GET', route: '/groups/:id', status: 500, times: 1 },
        { method: 'GET', route: '/projects/:id/audit_events', status: 'reset', times: 1 },
      ],
    });
    const token = sim.tokens.owner;
    const admin = sim.tokens.admin;
    const dir = tempDir('posture-leak-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: token };
    const runs: CliRun[] = [];
    // Retry waits are recorded, not spent.
    const clock = fakeClock();
    const cli = async (argv: string[], e: Record<string, string> = env) => {
      const r = await runCli(argv, e, { clock });
      runs.push(r);
      return r;
    };

    for (const format of ['table', 'json', 'sarif', 'junit', 'codequality', 'markdown', 'html']) {
      await cli(['check', '--baseline', baseline, '--verbose', '--format', format, '--output', join(dir, `check.${format}`)]);
    }
    await cli(['check', '--baseline', baseline, '--save-snapshot', join(dir, 'snap.json'), '--format', 'json']);
    await cli(['check', '--baseline', baseline, '--shard', '1/2', '--format', 'json', '--output', join(dir, 'shard-1.json')]);
    await cli(['check', '--baseline', baseline, '--shard', '2/2', '--format', 'json', '--output', join(dir, 'shard-2.json')]);
    await cli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-2.json'), '--format', 'html', '--output', join(dir, 'merged.html')]);
    await cli(['check', '--baseline', baseline, '--since-last', '--state-dir', join(dir, 'state'), '--format', 'json']);
    await cli(['explain', '--baseline', baseline, '--verbose', '--format', 'json']);
    await cli(['detect', '--baseline', baseline, '--verbose', '--format', 'json'], { GITLAB_TOKEN: admin });
    await cli(['init', '--group', 'acme', '--url', sim.url, '--waive-existing', '--output', join(dir, 'init.yaml')]);
    await cli(['rules', '--format', 'json']);
    await cli(['gate', '--base', baseline, '--head', join(dir, 'init.yaml'), '--format', 'markdown']);
    const revert = await cli(['revert', '--baseline', baseline, '--yes', '--allow-destructive', '--verbose', '--journal', join(dir, 'journal')]);
    expect(revert.code).toBe(0);
    const journal = filesUnder(join(dir, 'journal')).find((f) => f.endsWith('.jsonl'))!;
    const undo = await cli(['undo', journal, '--yes', '--baseline', baseline, '--journal', join(dir, 'undo-journal')]);
    expect(undo.code).toBe(0);

    // The run really went through retries and wrote files; then nothing anywhere holds the token.
    expect(sim.faultCount()).toBe(4);
    expect(clock.sleeps).toHaveLength(4);
    expect(runs.map((r) => r.stderr).join('')).toMatch(/retry 1 in \d+ ms/);
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(15);
    for (const r of runs) {
      expect(r.all).not.toContain(token);
      expect(r.all).not.toContain(admin);
    }
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toContain(token);
      expect(text, f).not.toContain(admin);
    }
  });
});
