// The package a user installs: `npm pack` (which builds dist/ through `prepare`) gives a tarball with the compiled
// CLI and only runtime dependencies; it installs into an empty prefix and its bin runs `check` against the
// simulator. Then the CI templates' release and install steps run as written against that tarball and a
// stand-in for GitLab's npm registry. Packing compiles the CLI and installing reads the npm registry (or its
// cache), so the file packs once.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import type { CheckResult } from '../../model/result';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let sim: RunningSim | undefined;
let registry: Server | undefined;
let dir: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posture-pack-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
  // `prepare` prints tsc's output before npm's JSON.
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  tarball = join(dir, info[0]!.filename);
}, 600_000);

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise((r) => (registry ? registry.close(r) : r(undefined)));
  registry = undefined;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a child with a clean npm environment (no inherited npm_config_* from a parent `npm test`). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'GITLAB_TOKEN') env[k] = v;
  return { ...env, ...extra };
}

describe('npm pack -> npm install --prefix -> gitlab-posture check', () => {
  it('packs the compiled CLI with runtime dependencies only, installs into an empty prefix and checks the simulator', async () => {
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

/** The shell of a template's step: a `script:`/`before_script:` list joined as GitLab's runner runs it. */
function templateScript(file: string, job: string, key: 'script' | 'before_script'): string[] {
  const doc = parseYaml(readFileSync(join(ROOT, 'ci', file), 'utf8')) as Record<string, Record<string, string[]>>;
  return doc[job]![key]!;
}

interface Published {
  versions: Record<string, { dist: { tarball: string; integrity?: string; shasum?: string } }>;
  'dist-tags': Record<string, string>;
  tarballs: Map<string, Buffer>;
}

/**
 * GitLab's project-level npm endpoints, as lib/api/npm_project_packages.rb routes them: PUT
 * /projects/:id/packages/npm/:package_name (publish), GET /projects/:id/packages/npm/*package_name (metadata),
 * GET /projects/:id/packages/npm/*package_name/-/*file_name (tarball). Every request must carry the job token.
 */
async function startNpmRegistry(projectId: number, jobToken: string) {
  const seen: { method: string; path: string; authorized: boolean }[] = [];
  const packages = new Map<string, Published>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
      const authorized = req.headers.authorization === `Bearer ${jobToken}`;
      seen.push({ method: req.method ?? '', path, authorized });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
      };
      if (!authorized) return send(401, { message: '401 Unauthorized' });
      const base = `/api/v4/projects/${projectId}/packages/npm/`;
      if (!path.startsWith(base)) return send(404, { message: '404 Not Found' });
      const rest = path.slice(base.length);
      const [name, file] = rest.split('/-/') as [string, string | undefined];
      const origin = `http://${req.headers.host}`;
      if (req.method === 'PUT' && !file) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          versions: Published['versions'];
          'dist-tags': Record<string, string>;
          _attachments: Record<string, { data: string }>;
        };
        const pkg: Published = packages.get(name) ?? { versions: {}, 'dist-tags': {}, tarballs: new Map() };
        for (const [v, meta] of Object.entries(body.versions)) {
          const fileName = `${name}-${v}.tgz`;
          const data = Buffer.from(Object.values(body._attachments)[0]!.data, 'base64');
          pkg.tarballs.set(fileName, data);
          pkg.versions[v] = { ...meta, dist: { ...meta.dist, tarball: `${origin}${base}${name}/-/${fileName}` } };
        }
        Object.assign(pkg['dist-tags'], body['dist-tags']);
        packages.set(name, pkg);
        return send(200, { message: 'Package was successfully created' });
      }
      const pkg = packages.get(name);
      if (req.method === 'GET' && pkg && !file) return send(200, { name, versions: pkg.versions, 'dist-tags': pkg['dist-tags'] });
      if (req.method === 'GET' && pkg && file && pkg.tarballs.has(file)) return send(200, pkg.tarballs.get(file)!);
      return send(404, { message: '404 Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, seen, packages, apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4` };
}

describe('CI templates: release publishes the tarball to GitLab npm registry, the jobs install it from there', () => {
  it('ci/release.yml publishes under the scope, ci/gitlab-ci.yml installs that version with CI_JOB_TOKEN and runs it', async () => {
    const jobToken = 'job-token-7f3a9c';
    const npm = await startNpmRegistry(42, jobToken);
    registry = npm.server;
    const work = join(dir, 'ci');
    const tmp = join(work, 'tmp');
    mkdirSync(tmp, { recursive: true });
    // The release job's checkout, after its `npm ci` and `npm test`: the packed files (dist/ built).
    await run('tar', ['xzf', tarball, '-C', work]);
    const ciEnv = {
      CI_API_V4_URL: npm.apiUrl,
      CI_JOB_TOKEN: jobToken,
      CI_PROJECT_ID: '42',
      CI_COMMIT_TAG: `v${pkg.version}`,
      POSTURE_NPM_SCOPE: '@acme-security',
      TMPDIR: tmp,
    };
    const release = templateScript('release.yml', 'posture:release', 'script');
    expect(release.slice(0, 2)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    await run('bash', ['-e', '-o', 'pipefail', '-c', release.slice(2).join('\n')], { cwd: join(work, 'package'), env: childEnv(ciEnv), maxBuffer: 64 * 1024 * 1024 });

    const published = npm.packages.get('@acme-security/gitlab-posture');
    expect(Object.keys(published?.versions ?? {})).toEqual([pkg.version]);
    // Never the unscoped name, never a request without the job token.
    expect(npm.packages.has('gitlab-posture')).toBe(false);
    const tgz = [...published!.tarballs.values()][0]!;
    expect(published!.versions[pkg.version]!.dist.integrity).toBe(`sha512-${createHash('sha512').update(tgz).digest('base64')}`);

    // A job of ci/gitlab-ci.yml: its install step, then the tool itself.
    const prefix = join(work, 'global');
    const jobEnv = childEnv({
      ...ciEnv,
      POSTURE_INSTALL: 'registry',
      POSTURE_PACKAGE_PROJECT_ID: '42',
      POSTURE_VERSION: pkg.version,
      NPM_CONFIG_PREFIX: prefix,
      NPM_CONFIG_PREFER_OFFLINE: 'true',
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    });
    const install = templateScript('gitlab-ci.yml', '.posture', 'before_script');
    const out = await run('bash', ['-e', '-o', 'pipefail', '-c', install.join('\n')], { cwd: work, env: jobEnv, maxBuffer: 64 * 1024 * 1024 });
    expect(out.stdout.trim().split('\n').at(-1)).toBe(pkg.version);
    // npm publish looks the name up first; the install reads the metadata after the PUT (the tarball itself may
    // come from npm's cache, which the publish filled, by its integrity). Only the scoped name is ever asked for.
    const meta = '/api/v4/projects/42/packages/npm/@acme-security/gitlab-posture';
    const calls = npm.seen.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.startsWith('PUT'))).toEqual([`PUT ${meta}`]);
    expect(calls.slice(calls.indexOf(`PUT ${meta}`) + 1)).toContain(`GET ${meta}`);
    expect(new Set(npm.seen.map((r) => r.path.replace(/\/-\/.*$/, '')))).toEqual(new Set([meta]));
    expect(npm.seen.every((r) => r.authorized)).toBe(true);
    // The job token stays in the environment: the npm config written holds only a reference to it.
    const npmrc = readFileSync(join(tmp, 'posture-npmrc'), 'utf8');
    expect(npmrc).toContain('_authToken=${CI_JOB_TOKEN}');
    expect(npmrc).not.toContain(jobToken);
    expect(out.stdout + out.stderr).not.toContain(jobToken);

    // Without a scope the step refuses (exit 2) instead of falling back to a public name.
    const unscoped = await run('bash', ['-e', '-o', 'pipefail', '-c', install.join('\n')], { cwd: work, env: { ...jobEnv, POSTURE_NPM_SCOPE: '' } }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(unscoped).toEqual({ code: 2, stdout: 'posture: set POSTURE_NPM_SCOPE to the npm scope your release of gitlab-posture used (e.g. @acme-security)\n' });
  }, 600_000);
});
