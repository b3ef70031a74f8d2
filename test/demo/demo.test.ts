// `npm run demo` as a newcomer runs it: a child process, its exit code and the files it writes.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { startSim } from '../../sim';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli';

describe('npm run demo', () => {
  it('tells the incident story end to end and leaves a clean final check and its reports', () => {
    const out = join(tempDir('posture-demo-'), 'demo-output');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--out', out], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, GITLAB_TOKEN: '', NO_COLOR: '1' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The story: findings, who did it, the revert, a clean check.
    expect(run.stdout).toContain('two-factor.required');
    // stdout is a pipe here: no ANSI escapes (issue 15).
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stdout).toContain('changed by mallory');
    expect(run.stdout).toContain('opened the acme group and made acme/web public');
    expect(run.stdout).toContain('visibility.group');
    expect(run.stdout).toMatch(/12 of 12 change\(s\) applied and verified/);
    expect(run.stdout).toContain('The final check is clean: exit 0.');

    const files = readdirSync(out).sort();
    for (const f of ['report.html', 'incident-report.html', 'report.sarif', 'report.junit.xml', 'gl-code-quality-report.json', 'report.json', 'baseline.yaml']) {
      expect(files).toContain(f);
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.summary).toMatchObject({ findings: 0, errors: 0, complete: true });
    const sarif = JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toEqual([]);
    expect(readFileSync(join(out, 'incident-report.html'), 'utf8')).toContain('mallory');
    // The journal of the revert is there for undo.
    const journals = readdirSync(join(out, 'journal'));
    expect(journals.length).toBe(1);
    expect(existsSync(join(out, 'journal', journals[0]!))).toBe(true);
  });

  it('--live reads a GitLab (here the simulator) with the token from GITLAB_TOKEN and writes nothing to it', async () => {
    const sim = await startSim({ scenario: 'incident' });
    try {
      const out = join(tempDir('posture-demo-live-'), 'demo-output');
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--live', '--url', sim.url, '--out', out], {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, GITLAB_TOKEN: sim.tokens.owner, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => void (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(stdout).toContain('two-factor.required');
      expect(stdout).toContain('changed by mallory');
      expect(stdout).not.toContain(sim.tokens.owner);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('acme/web');
      // Read-only: not one write reached the server.
      expect(Object.keys(sim.counts()).filter((route) => !route.startsWith('GET '))).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
