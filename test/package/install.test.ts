// The package a user installs: `npm pack` (which builds dist/ through `prepare`) gives a tarball with the compiled
// CLI and only runtime dependencies; it installs into an empty prefix and its bin runs `check` against the
// simulator. One test on purpose: packing compiles the CLI and installing reads the npm registry (or its cache).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import type { CheckResult } from '../../checks/model';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let sim: RunningSim | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Runs a child with a clean npm environment (no inherited npm_config_* from a parent `npm test`). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'GITLAB_TOKEN') env[k] = v;
  return { ...env, ...extra };
}

describe('npm pack -> npm install --prefix -> gitlab-posture check', () => {
  it('packs the compiled CLI with runtime dependencies only, installs into an empty prefix and checks the simulator', async () => {
    dir = mkdtempSync(join(tmpdir(), 'posture-pack-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
    // `prepare` prints tsc's output before npm's JSON.
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as { filename: string; files: { path: string }[] }[];
    const files = info[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/gitlab-posture.js');
    expect(files).toContain('dist/checks/cli/main.js');
    // Data the compiled code reads beside itself (scripts/copy-assets.js).
    expect(files).toContain('dist/policies/profiles/hardened.yaml');
    expect(files.filter((f) => f.startsWith('dist/detections/rules/') && f.endsWith('.yml')).length).toBeGreaterThan(5);
    // No tests, simulator, benchmarks or TypeScript sources of the CLI ship.
    expect(files.filter((f) => /^(test|sim|bench|scripts|checks|gitlab|provider)\//.test(f))).toEqual([]);

    // The runtime needs no TypeScript loader and no Pulumi SDK.
    for (const dev of ['tsx', '@pulumi/pulumi', '@pulumi/policy', 'typescript', 'vitest']) {
      expect(pkg.dependencies[dev], dev).toBeUndefined();
    }

    const prefix = join(dir, 'prefix');
    const tarball = join(dir, info[0]!.filename);
    // --prefer-offline: the dependencies come from npm's cache when it has them (the registry otherwise).
    await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      env: childEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    const installed = join(prefix, 'node_modules');
    expect(existsSync(join(installed, pkg.name, 'dist', 'checks', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(installed, 'tsx'))).toBe(false);
    expect(existsSync(join(installed, '@pulumi'))).toBe(false);

    const bin = join(installed, '.bin', 'gitlab-posture');
    const version = await run(bin, ['--version'], { env: childEnv() });
    expect(version.stdout.trim()).toBe(pkg.version);

    sim = await startSim({ scenario: 'incident' });
    const baseline = join(dir, 'baseline.yaml');
    writeFileSync(baseline, `gitlab: { url: "${sim.url}" }\ntargets: { groups: [acme] }\nprofile: hardened\n`);
    // Exit 1 (findings) rejects the promise; its stdout is the report.
    const check = await run(bin, ['check', '--baseline', baseline, '--format', 'json', '--no-progress'], {
      cwd: dir,
      env: childEnv({ GITLAB_TOKEN: sim.tokens.owner }),
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(check.stderr).toBe('');
    expect(check.code).toBe(1);
    const result = JSON.parse(check.stdout) as CheckResult;
    expect(result.summary).toMatchObject({ errors: 0, complete: true });
    expect(result.findings.map((f) => `${f.rule} ${f.target.path}`)).toContain('protected-branches.force-push acme/web');
    expect(result.findings.map((f) => `${f.rule} ${f.target.path}`)).toContain('visibility.project acme/web');
  }, 900_000);
});
