// Lints ci/gitlab-ci.yml: the job graph (stages, extends, rules, when, artifacts) and every gitlab-posture
// call in the scripts against the commander program the CLI really builds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureIO } from '../helpers/cli';
import { buildProgram } from '../../checks/cli/main';

const FILE = join(__dirname, '..', '..', 'ci', 'gitlab-ci.yml');
type Job = Record<string, unknown>;

const GLOBAL_KEYWORDS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache']);
const JOB_KEYWORDS = new Set([
  'stage', 'extends', 'image', 'services', 'before_script', 'script', 'after_script', 'rules', 'needs', 'artifacts', 'variables',
  'allow_failure', 'when', 'resource_group', 'environment', 'tags', 'timeout', 'retry', 'interruptible', 'cache', 'dependencies', 'coverage',
]);
const RULE_KEYWORDS = new Set(['if', 'changes', 'exists', 'when', 'allow_failure', 'variables', 'needs', 'interruptible']);
const WHEN = new Set(['on_success', 'on_failure', 'always', 'manual', 'delayed', 'never']);
const ARTIFACT_KEYWORDS = new Set(['paths', 'exclude', 'expire_in', 'expose_as', 'name', 'public', 'reports', 'untracked', 'when']);
const ARTIFACT_WHEN = new Set(['on_success', 'on_failure', 'always']);

const doc = parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;
const stages = doc.stages as string[];
const globalVars = doc.variables as Record<string, string>;
const jobNames = Object.keys(doc).filter((k) => !GLOBAL_KEYWORDS.has(k));
const visibleJobs = jobNames.filter((k) => !k.startsWith('.'));

/** A job with `extends` merged in (GitLab's deep merge is enough as a shallow one for these templates). */
function resolved(name: string, seen: string[] = []): Job {
  if (seen.includes(name)) throw new Error(`extends cycle: ${[...seen, name].join(' -> ')}`);
  const job = doc[name] as Job;
  if (!job) throw new Error(`unknown job ${name}`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? (job.extends as string[]) : [job.extends as string];
  return Object.assign({}, ...parents.map((p) => resolved(p, [...seen, name])), job);
}

/** Script lines, block scalars split into their lines. */
function scriptLines(job: Job): string[] {
  const parts = ['before_script', 'script', 'after_script'].flatMap((k) => (job[k] as string[] | undefined) ?? []);
  return parts.flatMap((p) => p.split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Shell words (quotes removed), enough for these scripts. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

interface Call {
  job: string;
  command: string;
  options: Map<string, string | true>;
}

const SHELL_OPERATORS = new Set(['||', '&&', ';', '|', '>', '2>', '>>']);

function postureCalls(name: string): Call[] {
  const calls: Call[] = [];
  for (const line of scriptLines(resolved(name))) {
    const w = words(line);
    const at = w.indexOf('gitlab-posture');
    if (at < 0 || (at > 0 && !['then', 'do', '&&', '||', ';'].includes(w[at - 1]))) continue;
    const options = new Map<string, string | true>();
    let i = at + 2;
    while (i < w.length && !SHELL_OPERATORS.has(w[i])) {
      const flag = w[i];
      const next = w[i + 1];
      if (next !== undefined && !next.startsWith('--') && !SHELL_OPERATORS.has(next)) {
        options.set(flag, next);
        i += 2;
      } else {
        options.set(flag, true);
        i += 1;
      }
    }
    // `gitlab-posture --version` after the install proves the bin runs; it is no command.
    if (w[at + 1] !== '--version') calls.push({ job: name, command: w[at + 1], options });
  }
  return calls;
}

/** `$VAR` / `${VAR}` -> the template's default for it, when it has one. */
function expand(value: string): string {
  return value.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (m, v: string) => globalVars[v] ?? m);
}

let program: Command;
beforeAll(() => {
  program = buildProgram(captureIO().io, () => undefined);
});

describe('ci/gitlab-ci.yml job graph', () => {
  it('has the three jobs, each in a declared stage, with known keywords only', () => {
    expect([...visibleJobs].sort()).toEqual(['posture:check', 'posture:gate', 'posture:revert']);
    expect(stages).toEqual(['posture']);
    for (const name of jobNames) {
      for (const key of Object.keys(doc[name] as Job)) expect(JOB_KEYWORDS.has(key), `${name}: unknown keyword ${key}`).toBe(true);
    }
    for (const name of visibleJobs) {
      const job = resolved(name);
      expect(stages, `${name}: stage ${String(job.stage)}`).toContain(job.stage);
      expect(scriptLines(job).length, `${name}: script`).toBeGreaterThan(0);
    }
  });

  it('rules and when use valid keywords and values', () => {
    for (const name of visibleJobs) {
      const job = resolved(name);
      expect(Array.isArray(job.rules), `${name}: rules`).toBe(true);
      if (job.when !== undefined) expect(WHEN.has(job.when as string)).toBe(true);
      for (const rule of job.rules as Job[]) {
        for (const key of Object.keys(rule)) expect(RULE_KEYWORDS.has(key), `${name}: rules key ${key}`).toBe(true);
        if (rule.when !== undefined) expect(WHEN.has(rule.when as string), `${name}: rules when ${String(rule.when)}`).toBe(true);
        expect(typeof rule.if).toBe('string');
      }
    }
  });

  it('gate runs on merge request events that change the baseline; check and revert on the default branch', () => {
    const gate = resolved('posture:gate').rules as Job[];
    expect(gate).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', changes: ['$POSTURE_BASELINE'] }]);
    const gateScript = scriptLines(resolved('posture:gate')).join('\n');
    expect(gateScript).toContain('git fetch --depth=1 origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"');
    expect(gateScript).toContain('git show "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:$POSTURE_BASELINE" > /tmp/base.yaml');
    for (const name of ['posture:check', 'posture:revert']) {
      for (const rule of resolved(name).rules as Job[]) expect(rule.if).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
    }
  });

  it('only the manual revert may fail without failing the pipeline', () => {
    expect(resolved('posture:gate').allow_failure).toBeUndefined();
    expect(resolved('posture:check').allow_failure).toBe(false);
    const [revertRule] = resolved('posture:revert').rules as Job[];
    expect(revertRule).toMatchObject({ when: 'manual', allow_failure: true });
    // Revert must stay startable when check failed with findings: same stage, no dependency on it.
    expect(resolved('posture:revert').needs).toEqual([]);
    expect(resolved('posture:revert').stage).toBe(resolved('posture:check').stage);
  });

  it('the token is never set by the template', () => {
    expect(Object.keys(globalVars)).not.toContain('GITLAB_TOKEN');
    for (const name of jobNames) expect(Object.keys(((doc[name] as Job).variables as Job | undefined) ?? {})).not.toContain('GITLAB_TOKEN');
    expect(readFileSync(FILE, 'utf8')).not.toMatch(/glpat-|PRIVATE-TOKEN/);
  });

  it('artifacts: every --output a script writes is published, and every published file is written', () => {
    for (const name of visibleJobs) {
      const job = resolved(name);
      const artifacts = job.artifacts as Job;
      for (const key of Object.keys(artifacts)) expect(ARTIFACT_KEYWORDS.has(key), `${name}: artifacts.${key}`).toBe(true);
      expect(ARTIFACT_WHEN.has(artifacts.when as string)).toBe(true);
      const reports = (artifacts.reports as Record<string, string> | undefined) ?? {};
      const published = new Set([...((artifacts.paths as string[]) ?? []), ...Object.values(reports)]);
      const written = new Set(
        postureCalls(name).flatMap((c) => [c.options.get('--output'), c.options.get('--journal')].filter((v): v is string => typeof v === 'string')),
      );
      const norm = (p: string) => p.replace(/\/$/, '');
      expect([...published].map(norm).sort(), name).toEqual([...written].map(norm).sort());
    }
    const reports = (resolved('posture:check').artifacts as Job).reports as Record<string, string>;
    const formatOf = (file: string) => postureCalls('posture:check').find((c) => c.options.get('--output') === file)?.options.get('--format');
    expect(formatOf(reports.junit)).toBe('junit');
    expect(formatOf(reports.codequality)).toBe('codequality');
  });

  it('scripts call only commands and flags the CLI has, with valid choices', () => {
    const calls = visibleJobs.flatMap(postureCalls);
    expect(calls.map((c) => `${c.job} ${c.command}`)).toEqual([
      'posture:gate gate',
      'posture:check check',
      'posture:check check',
      'posture:check check',
      'posture:check check',
      'posture:check check',
      'posture:revert revert',
    ]);
    for (const call of calls) {
      const cmd = program.commands.find((c) => c.name() === call.command);
      expect(cmd, `${call.job}: command ${call.command}`).toBeDefined();
      const options = cmd!.options as Option[];
      for (const [flag, value] of call.options) {
        const opt = options.find((o) => o.long === flag);
        expect(opt, `${call.job}: ${call.command} has no ${flag}`).toBeDefined();
        const takesValue = opt!.required || opt!.optional;
        expect(typeof value === 'string', `${call.job}: ${flag} ${takesValue ? 'needs a value' : 'takes no value'}`).toBe(Boolean(takesValue));
        if (typeof value === 'string' && opt!.argChoices) expect(opt!.argChoices, `${call.job}: ${flag} ${value}`).toContain(expand(value));
      }
      for (const opt of options.filter((o) => o.mandatory)) expect(call.options.has(opt.long!), `${call.job}: ${opt.long} is required`).toBe(true);
    }
  });

  it('the manual revert writes without a prompt (no TTY in CI) and nothing destructive', () => {
    const [revert] = postureCalls('posture:revert');
    expect(revert.options.get('--yes')).toBe(true);
    expect(revert.options.has('--allow-destructive')).toBe(false);
    expect(revert.options.has('--dry-run')).toBe(false);
  });

  it('gate needs no token: it compares files only', () => {
    const [gate] = postureCalls('posture:gate');
    expect([...gate.options.keys()].sort()).toEqual(['--base', '--format', '--head', '--output']);
  });
});

describe('ci/*.yml install only what exists (test/package/install.test.ts runs the steps against a tarball)', () => {
  const read = (f: string) => parse(readFileSync(join(__dirname, '..', '..', 'ci', f), 'utf8')) as Record<string, Job>;

  it('every npm install names the scoped package at the pinned version, or the pinned clone; never a public name', () => {
    for (const file of ['gitlab-ci.yml', 'parallel-check.yml']) {
      const text = readFileSync(join(__dirname, '..', '..', 'ci', file), 'utf8');
      const installs = text.split('\n').filter((l) => /\bnpm (install|i|ci)\b/.test(l) && !l.trim().startsWith('#'));
      expect(installs.map((l) => l.trim()), file).toEqual([
        'npm install --global --no-audit --no-fund "${POSTURE_NPM_SCOPE}/gitlab-posture@${POSTURE_VERSION}"',
        '(cd /tmp/gitlab-posture && npm ci --no-audit --no-fund)',
        'npm install --global --no-audit --no-fund /tmp/gitlab-posture',
      ]);
      expect(text, file).toContain('--branch "v${POSTURE_VERSION}"');
      expect(text, file).not.toMatch(/npx\s+gitlab-posture|"gitlab-posture@/);
      // An exact version: a range would install whatever was published last.
      expect((read(file).variables as Record<string, string>).POSTURE_VERSION, file).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('both job templates share one install step, and the scope check comes before any install', () => {
    const main = (read('gitlab-ci.yml')['.posture'] as Job).before_script as string[];
    const parallel = (read('parallel-check.yml')['.posture'] as Job).before_script as string[];
    expect(parallel).toEqual(main);
    const step = main[0]!;
    expect(step.indexOf('@?*) ;;')).toBeLessThan(step.indexOf('npm install'));
    expect(main.at(-1)).toBe('gitlab-posture --version');
  });

  it('the release job runs on version tags only, tests before publishing, and publishes under the scope', () => {
    const release = read('release.yml')['posture:release'] as Job;
    expect(release.rules).toEqual([{ if: '$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/' }]);
    const script = (release.script as string[]).join('\n');
    expect(script.indexOf('npm test')).toBeLessThan(script.indexOf('npm publish'));
    expect(script).toContain('npm pkg set name="${POSTURE_NPM_SCOPE}/gitlab-posture"');
    expect(script).toContain('"${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/npm/"');
    // The repository's own pipeline is the release.
    expect(parse(readFileSync(join(__dirname, '..', '..', '.gitlab-ci.yml'), 'utf8'))).toEqual({ include: [{ local: 'ci/release.yml' }] });
    // package.json stays private: only the release's renamed copy is publishable.
    expect(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).private).toBe(true);
  });
});

describe('ci/gitlab-ci.yml posture:check script against the simulator', () => {
  it('the calls as written produce every published file; the first call decides the job status', async () => {
    const { startSim } = await import('../../sim/server');
    const { runCli, tempDir } = await import('../helpers/cli');
    const { writeFileSync, existsSync } = await import('node:fs');
    const sim = await startSim({ scenario: 'incident' });
    try {
      const dir = tempDir('posture-ci-');
      writeFileSync(join(dir, 'baseline.yaml'), 'targets: { groups: [acme] }\nprofile: hardened\n');
      const env = { GITLAB_TOKEN: sim.tokens.readOnly, GITLAB_URL: sim.url };
      const codes: number[] = [];
      for (const call of postureCalls('posture:check')) {
        // The job's working directory is the checkout: relative files land in `dir` here.
        const argv = [call.command, ...[...call.options].flatMap(([flag, v]) => (v === true ? [flag] : [flag, inDir(expand(v))]))];
        codes.push((await runCli(argv, env)).code);
      }
      function inDir(v: string): string {
        return /\.(ya?ml|json|xml|sarif|html)$/.test(v) ? join(dir, v) : v;
      }
      expect(codes).toEqual([1, 1, 1, 1, 1]);
      for (const file of (resolved('posture:check').artifacts as Job).paths as string[]) expect(existsSync(join(dir, file)), file).toBe(true);
      // One live read of GitLab: the other four formats came from the snapshot.
      expect(sim.counts()['GET /groups/:id/projects']).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
