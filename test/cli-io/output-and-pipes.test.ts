// Output paths are checked before GitLab is read, and a closed pipe (`| head`) ends the command quietly with its
// own exit code.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';
import { simPerTest } from '../helpers/sim';

const freshSim = simPerTest();

const ROOT = join(__dirname, '..', '..');

describe('output paths are checked before GitLab is read', () => {
  it.each([
    ['check --output', (d: string) => ['check', '--output', join(d, 'missing', 'r.json')], '--output'],
    ['check --save-snapshot', (d: string) => ['check', '--save-snapshot', join(d, 'missing', 's.json')], '--save-snapshot'],
    ['explain --output', (d: string) => ['explain', '--output', join(d, 'missing', 'e.html')], '--output'],
    ['detect --output', (d: string) => ['detect', '--output', join(d, 'missing', 'd.json')], '--output'],
  ])('%s into a missing directory: exit 2, the path named, no request sent', async (_name, argv, flag) => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-out-');
    const baseline = writeBaseline(dir, sim.url, 'targets: { groups: [acme] }\n');
    const args = argv(dir);
    const run = await runCli([...args, '--baseline', baseline], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `gitlab-posture: ${flag} ${args[2]}: the directory ${join(dir, 'missing')} does not exist; create it first (nothing was read from GitLab).\n`,
    );
    expect(sim.totalRequests()).toBe(0);
  });

  it('an output path that is a directory is refused before any request', async () => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-out-');
    mkdirSync(join(dir, 'reports'));
    const baseline = writeBaseline(dir, sim.url, 'targets: { groups: [acme] }\n');
    const run = await runCli(['check', '--baseline', baseline, '--output', join(dir, 'reports')], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`gitlab-posture: --output ${join(dir, 'reports')}: is a directory; give the path of a file to write.\n`);
    expect(sim.totalRequests()).toBe(0);
  });
});

describe('a closed stdout (| head)', () => {
  it('ends without a stack trace and keeps the exit code', async () => {
    // The real process streams (processIO), through tsx: the reader closes before the report is written.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'checks', 'cli', 'main.ts'), 'rules', '--format', 'json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
