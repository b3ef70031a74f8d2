// `gitlab-posture check` end to end against the simulator, in-process: findings, exit codes, request
// budget, partial data, roles, snapshots, and the token never printed.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import { fakeClock, type FakeClock } from '../helpers/clock';
import type { CheckResult } from '../../model/result';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const triples = (r: CheckResult) => r.findings.map((f) => `${f.rule} ${f.target.path} ${f.setting}`).sort();

/** What the incident scenario broke (sim/scenarios/incident.ts), as the hardened baseline sees it. */
const INCIDENT = [
  'ci.masked-variables acme/platform/deploy masked',
  'ci.masked-variables acme/platform/deploy protected',
  'ci.public-jobs acme/platform/infra public_jobs',
  'git-abuse.download-limit acme unique_project_download_limit',
  'mr-approvals.author-approval acme/api merge_requests_author_approval',
  'mr-approvals.min-approvals acme/api approvals_required',
  'protected-branches.force-push acme/web allow_force_push',
  'protected-branches.push acme/web push_access_levels',
  'two-factor.required acme require_two_factor_authentication',
  'visibility.group acme visibility',
  'visibility.project acme/web visibility',
  'webhooks.allowed-hosts acme/api url',
  'webhooks.ssl-verification acme/api enable_ssl_verification',
  'webhooks.ssl-verification acme/api url',
].sort();

async function check(token: string, extra: string[] = [], baselineBody = ACME_HARDENED, clock?: FakeClock) {
  const dir = tempDir();
  const baseline = writeBaseline(dir, sim!.url, baselineBody);
  const run = await runCli(['check', '--baseline', baseline, '--format', 'json', ...extra], { GITLAB_TOKEN: token }, clock ? { clock } : {});
  return { ...run, dir, result: run.stdout ? (JSON.parse(run.stdout) as CheckResult) : undefined };
}

describe('check on the incident scenario', () => {
  it('finds exactly the incident misconfigurations, nothing on compliant projects, exit 1', async () => {
    sim = await startSim({ scenario: 'incident' });
    const run = await check(sim.tokens.owner);
    expect(run.code).toBe(1);
    expect(triples(run.result!)).toEqual(INCIDENT);
    const clean = ['acme/docs-site', 'acme/sandbox/scratch', 'acme/platform/deploy'];
    expect(run.result!.findings.filter((f) => clean.slice(0, 2).includes(f.target.path))).toEqual([]);
    expect(run.result!.summary).toMatchObject({ findings: 14, errors: 0, complete: true });
    expect(run.result!.gitlab.tier).toBe('ultimate');
    expect(run.all).not.toContain(sim.tokens.owner);
  });

  it('keeps the request budget: 9 reads per project, lock info only where an approval flag is off', async () => {
    sim = await startSim({ scenario: 'incident' });
    await check(sim.tokens.owner);
    const counts = sim.counts();
    const projects = sim.state.projects.length;
    // The hardened profile adds push rules, members and deploy keys (push-rules.*, members.too-many-owners,
    // projects.deploy-key-write): one read each.
    for (const area of ['protected_branches', 'approvals', 'approval_rules', 'hooks', 'variables', 'job_token_scope', 'push_rule', 'members', 'deploy_keys']) {
      expect(counts[`GET /projects/:id/${area}`], area).toBe(projects);
    }
    // Forking, merge checks and inactivity come from the listing; members are read once per group.
    expect(counts['GET /groups/:id/members']).toBe(sim.state.groups.length);
    // Enrichment: only acme/api has an approval flag off (author approval), so one settings read in all.
    expect(counts['GET /projects/:id/merge_request_approval_setting']).toBe(1);
    // Project settings come from the group listing, never one GET per project.
    expect(counts['GET /projects/:id'] ?? 0).toBe(0);
    expect(counts['GET /groups/:id/projects']).toBe(1);
  });

  it('the baseline profile reads no push rule, member list or deploy key per project (those rules are off there)', async () => {
    sim = await startSim({ scenario: 'incident' });
    await check(sim.tokens.owner, [], ACME_HARDENED.replace('profile: hardened', 'profile: baseline'));
    const counts = sim.counts();
    for (const area of ['push_rule', 'members', 'deploy_keys']) expect(counts[`GET /projects/:id/${area}`] ?? 0, area).toBe(0);
    // Group members stay: members.two-factor is on in the baseline, but it needs an administrator, so an owner's
    // token reads no member list at all.
    expect(counts['GET /groups/:id/members'] ?? 0).toBe(0);
  });

  it('every report format works and none of them carries the token', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir();
    for (const format of ['table', 'json', 'sarif', 'junit', 'codequality', 'markdown', 'html']) {
      const output = join(dir, `report.${format}`);
      const run = await check(sim.tokens.owner, ['--format', format, '--output', output, '--verbose']);
      expect(run.code, format).toBe(1);
      const text = readFileSync(output, 'utf8');
      expect(text.length, format).toBeGreaterThan(100);
      expect(text, format).toContain('acme/web');
      expect(text + run.all, format).not.toContain(sim.tokens.owner);
    }
  });

  it('saves a snapshot without secrets and checks it offline with the same result', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir();
    const snap = join(dir, 'snap.json');
    const live = await check(sim.tokens.owner, ['--save-snapshot', snap]);
    const text = readFileSync(snap, 'utf8');
    expect(text).not.toContain(sim.tokens.owner);
    // Variable values are secrets: the snapshot keeps only the flags.
    const seeded = sim.state.projects.flatMap((p) => p.variables.map((v) => v.value)).filter((v): v is string => !!v && v.length > 6);
    expect(seeded.length).toBeGreaterThan(0);
    for (const value of seeded) expect(text).not.toContain(value);
    await sim.close();
    sim = undefined;
    const offline = await runCli(['check', '--baseline', join(live.dir, 'baseline.yaml'), '--from-snapshot', snap, '--format', 'json'], {});
    expect(offline.code).toBe(1);
    expect(triples(JSON.parse(offline.stdout))).toEqual(INCIDENT);
  });
});

describe('check on the hardened scenario', () => {
  it('an admin token: no findings, instance rules judged, exit 0', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const run = await check(sim.tokens.admin);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.result!.findings).toEqual([]);
    expect(run.result!.summary).toMatchObject({ findings: 0, errors: 0, complete: true });
    expect(run.result!.skipped.filter((s) => s.rule.startsWith('instance.'))).toEqual([]);
    // webhooks.allowed-hosts is judged because the baseline sets an allowlist.
    expect(run.result!.skipped.map((s) => s.rule)).not.toContain('webhooks.allowed-hosts');
  });
});

describe('check with an administrator token: instance settings and members', () => {
  it('judges the instance and the members: the incident instance lets anyone publish, dave lacks 2FA', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dave = sim.state.users.find((u) => u.username === 'dave')!;
    dave.two_factor_enabled = false;
    const run = await check(sim.tokens.admin);
    expect(run.code).toBe(1);
    const t = triples(run.result!);
    expect(t).toContain('instance.restricted-public (instance) restricted_visibility_levels');
    // acme requires no 2FA in the incident (two-factor.required reports that); its subgroups do, but dave is a
    // member of acme only, so members.two-factor has nothing to say until acme requires 2FA again.
    expect(t.filter((x) => x.startsWith('members.'))).toEqual([]);
    sim.state.groups.find((g) => g.full_path === 'acme')!.require_two_factor_authentication = true;
    const again = await check(sim.tokens.admin);
    expect(triples(again.result!).filter((x) => x.startsWith('members.'))).toEqual(['members.two-factor acme two_factor_enabled']);
    // Users' 2FA and external flags: two list reads per run (GET /users?two_factor=disabled, ?external=true), and
    // the administrators once for instance.stale-admins.
    expect(sim.counts()['GET /users']).toBe(2 * 3);
    expect(run.all).not.toContain(sim.tokens.admin);
  });

  it('an owner token skips instance and 2FA member rules with the reason, never as passed', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const run = await check(sim.tokens.owner);
    expect(run.code).toBe(0);
    const skipped = run.result!.skipped.map((x) => `${x.rule} ${x.target.path}: ${x.reason}`);
    expect(skipped).toContain('instance.signup (instance): needs an administrator token');
    expect(skipped).toContain('members.two-factor acme: needs an administrator token');
    expect(sim.counts()['GET /users'] ?? 0).toBe(0);
  });
});

describe('check never turns missing data into a clean result', () => {
  it('a read that keeps failing is an error on its target, the rest is reported, exit 2', async () => {
    const clock = fakeClock();
    sim = await startSim({
      scenario: 'incident',
      faultPlan: [{ method: 'GET', route: '/projects/:id/hooks', status: 502, times: 1000 }],
      now: clock.date,
    });
    const run = await check(sim.tokens.owner, [], ACME_HARDENED, clock);
    expect(run.code).toBe(2);
    // Six retries per project's hooks, each after a full-jitter backoff of at most 250 ms * 2^(retry-1).
    expect(clock.sleeps).toHaveLength(sim.state.projects.length * 6);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(8000);
    const r = run.result!;
    expect(r.summary.complete).toBe(false);
    // Every project's hooks failed: hook rules are errors on every project, never passes.
    const hookErrors = r.errors.filter((e) => e.rules?.includes('webhooks.ssl-verification'));
    expect(hookErrors.map((e) => e.target.path).sort()).toEqual(sim.state.projects.map((p) => p.path_with_namespace).sort());
    expect(hookErrors[0]!.message).toMatch(/GET \/projects\/\d+\/hooks/);
    expect(hookErrors[0]!.message).toContain('502');
    // Findings that were read are still reported; project hook findings are not.
    expect(triples(r)).toEqual(INCIDENT.filter((t) => !t.startsWith('webhooks.')));
  });

  it.each([1, 2, 3])('8%% faults and a rate limit (seed %i): the same findings, or exit 2 with errors', async (seed) => {
    const clock = fakeClock();
    const t0 = clock.now();
    sim = await startSim({
      scenario: 'incident',
      faultRate: 0.08,
      faults: ['500', '502', 'reset'],
      seed,
      rateLimit: { limit: 40, windowMs: 1000 },
      now: clock.date,
    });
    const run = await check(sim.tokens.owner, [], ACME_HARDENED, clock);
    expect(sim.faultCount()).toBeGreaterThan(0);
    // The sim lets 40 requests through per second of the shared clock, and that clock moves only by the waits the
    // client asked for (spacing as RateLimit-Remaining falls, Retry-After on a 429): passing 83+ requests took
    // at least that many whole windows of waiting.
    const passed = Object.values(sim.counts()).reduce((a, b) => a + b, 0) - (sim.statusCounts()['429'] ?? 0);
    expect(passed).toBeGreaterThan(80);
    expect(clock.now() - t0).toBeGreaterThanOrEqual((Math.ceil(passed / 40) - 1) * 1000);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(clock.now() - t0);
    const r = run.result!;
    if (run.code === 2) {
      expect(r.summary.complete).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
      for (const t of triples(r)) expect(INCIDENT).toContain(t);
    } else {
      expect(run.code).toBe(1);
      expect(triples(r)).toEqual(INCIDENT);
      expect(r.summary.complete).toBe(true);
    }
    expect((sim.statusCounts()['429'] ?? 0) + sim.faultCount()).toBeGreaterThan(0);
  });

  it('--verbose shows each retry; a fault that clears is retried and the result is complete', async () => {
    sim = await startSim({
      scenario: 'incident',
      faultPlan: [{ method: 'GET', route: '/projects/:id/protected_branches', status: 502, times: 2 }],
    });
    const clock = fakeClock();
    const run = await check(sim.tokens.owner, ['--verbose'], ACME_HARDENED, clock);
    expect(sim.faultCount()).toBe(2);
    expect(clock.sleeps).toHaveLength(2);
    expect(run.stderr).toMatch(/GET \/projects\/\d+\/protected_branches\S* -> 502: retry 1 in \d+ ms/);
    expect(run.code).toBe(1);
    expect(triples(run.result!)).toEqual(INCIDENT);
    expect(run.all).not.toContain(sim.tokens.owner);
  });

  it('a Developer token: errors naming the missing role, no false findings, exit 2', async () => {
    sim = await startSim({ scenario: 'incident' });
    const run = await check(sim.tokens.developer);
    expect(run.code).toBe(2);
    const r = run.result!;
    const hookError = r.errors.find((e) => e.rules?.includes('webhooks.ssl-verification') && e.target.kind === 'project');
    expect(hookError?.message).toMatch(/Maintainer/);
    // What a Developer can read (visibility, public_jobs) is judged; nothing else is reported as found.
    for (const t of triples(r)) expect(INCIDENT).toContain(t);
    expect(r.findings.some((f) => f.rule.startsWith('webhooks.'))).toBe(false);
    expect(run.all).not.toContain(sim.tokens.developer);
  });

  it('a group that does not exist is an error, exit 2', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const run = await check(sim.tokens.owner, [], 'targets: { groups: [nope] }\nprofile: hardened\n');
    expect(run.code).toBe(2);
    expect(run.result!.errors).toEqual([
      { target: { kind: 'group', path: 'nope', id: 0 }, message: expect.stringContaining('404') },
    ]);
  });
});

describe('check: user mistakes are one clear line and exit 2', () => {
  it.each([
    [['check', '--format', 'yaml'], /--format/],
    [['check', '--fail-on', 'urgent'], /--fail-on/],
    [['chek'], /check/],
    [['check', '--only', 'nosuch.*', '--from-snapshot', 'x.json'], /nosuch/],
  ])('%j', async (argv, message) => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, 'http://127.0.0.1:9', ACME_HARDENED);
    const run = await runCli([...argv, ...(argv[0] === 'check' ? ['--baseline', baseline] : [])], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('credentials in the URL are refused without printing them', async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, 'http://127.0.0.1:9', ACME_HARDENED);
    const run = await runCli(['check', '--baseline', baseline, '--url', 'http://user:s3cret-pass@127.0.0.1:9'], { GITLAB_TOKEN: 'glpat-unused-token-value' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('remove the user name and password');
    expect(run.all).not.toContain('s3cret-pass');
  });

  it('no token: says to set GITLAB_TOKEN', async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, 'http://127.0.0.1:9', ACME_HARDENED);
    const run = await runCli(['check', '--baseline', baseline], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('GITLAB_TOKEN is not set');
  });

  it('a bad baseline: file, key path and what was expected', async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, 'http://127.0.0.1:9', 'targets: { groups: [acme] }\nsettings:\n  mr-approvals: { min_approvals: two }\n');
    const run = await runCli(['check', '--baseline', baseline], { GITLAB_TOKEN: 'glpat-unused-token-value' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('settings.mr-approvals.min_approvals');
    expect(run.stderr).toContain('"two"');
  });
});
