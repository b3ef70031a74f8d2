// Issue 15 item 2: each target is judged at the tier of its own top-level namespace. On GitLab.com every top-level
// group has its own subscription (ee/app/models/ee/namespace.rb `actual_plan`; a subgroup takes its root's), shown
// as `plan` on GET /namespaces/:id to whoever may admin it (ee/lib/ee/api/entities/namespace.rb), and paid features
// follow that plan (`should_check_namespace_plan?`, ee/app/models/ee/application_setting.rb). Here one GitLab.com-like
// sim holds `acme` on Ultimate and `beta` on Free.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import { addGroup, addProject } from '../../sim/scenarios/build';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';

interface Json {
  gitlab: { tier: string; namespaceTiers?: Record<string, string> };
  findings: { rule: string; target: { path: string } }[];
  skipped: { rule: string; target: { path: string }; reason: string }[];
  errors: { target: { path: string }; message: string; rules?: string[] }[];
}

describe('tier per top-level namespace (GitLab.com-like sim: acme Ultimate, beta Free)', () => {
  let sim: RunningSim;
  let dir: string;
  beforeEach(async () => {
    sim = await startSim({ scenario: 'hardened', saas: true });
    const alice = sim.state.users.find((u) => u.username === 'alice')!;
    sim.state.groups.find((g) => g.full_path === 'acme')!.plan = 'ultimate';
    const created = '2025-01-01T00:00:00Z';
    const beta = addGroup(sim.state, 'beta', null, created, [{ user_id: alice.id, access_level: 50 }]);
    beta.plan = 'free';
    addProject(sim.state, beta, 'app', created);
    dir = tempDir('posture-tier-ns-');
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(targets: string): Promise<Json> {
    const file = writeBaseline(dir, sim.url, `${targets}\nprofile: hardened\n`);
    const run = await runCli(['check', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return JSON.parse(run.stdout) as Json;
  }

  it('the sim serves plan like GitLab: the root\'s plan on a subgroup too, only to an owner', async () => {
    const get = async (path: string, token: string) => (await fetch(`${sim.apiUrl}${path}`, { headers: { 'PRIVATE-TOKEN': token } })).json() as Promise<Record<string, unknown>>;
    expect((await get('/namespaces/acme', sim.tokens.owner)).plan).toBe('ultimate');
    expect((await get('/namespaces/acme%2Fplatform', sim.tokens.owner)).plan).toBe('ultimate');
    expect((await get('/namespaces/beta', sim.tokens.owner)).plan).toBe('free');
    // bob is a Maintainer of acme: may not admin the namespace, so no plan key (not `null`).
    expect('plan' in (await get('/namespaces/acme', sim.tokens.maintainer))).toBe(false);
    // Paid features follow the plan: beta's group hides the Premium key, its project's approval rules answer 403.
    expect('ip_restriction_ranges' in (await get('/groups/beta', sim.tokens.owner))).toBe(false);
    expect('ip_restriction_ranges' in (await get('/groups/acme', sim.tokens.owner))).toBe(true);
    const rules = await fetch(`${sim.apiUrl}/projects/beta%2Fapp/approval_rules`, { headers: { 'PRIVATE-TOKEN': sim.tokens.owner } });
    expect(rules.status).toBe(403);
  });

  it('paid rules run on the Ultimate group and are skipped, saying whose tier, on the Free one; nothing is read that the tier lacks', async () => {
    sim.resetCounts();
    const r = await check('targets: { groups: [acme, beta] }');
    expect(r.gitlab.namespaceTiers).toEqual({ acme: 'ultimate', beta: 'free' });
    expect(r.errors).toEqual([]);
    const skippedOn = (path: string) => r.skipped.filter((s) => s.target.path === path);
    // acme: no rule skipped for tier.
    for (const path of ['acme', 'acme/web', 'acme/api', 'acme/platform']) {
      expect(skippedOn(path).filter((s) => /^requires /.test(s.reason))).toEqual([]);
    }
    // beta: every paid rule skipped as not applicable by tier, with the namespace named.
    expect(skippedOn('beta/app').find((s) => s.rule === 'mr-approvals.min-approvals')?.reason).toBe('requires premium (detected free for namespace beta)');
    expect(skippedOn('beta').find((s) => s.rule === 'git-abuse.download-limit')?.reason).toBe('requires ultimate (detected free for namespace beta)');
    // The approval rules were read for acme's six projects only, never for beta/app (it would answer 403).
    expect(sim.counts()['GET /projects/:id/approval_rules']).toBe(6);
  });

  it.each([
    ['acme alone', 'targets: { groups: [acme] }'],
    ['acme beside beta', 'targets: { groups: [beta, acme] }'],
    ['the project alone', 'targets: { projects: [acme/api] }'],
    ['the project beside beta', 'targets: { groups: [beta], projects: [acme/api] }'],
    ['a subgroup and the project', 'targets: { groups: [acme/platform], projects: [acme/api] }'],
  ])('acme/api is judged at Ultimate whatever else is listed: %s', async (_name, targets) => {
    const r = await check(targets);
    // Tiers by namespace are listed where they differ; alone, acme's is the run's.
    expect(r.gitlab.namespaceTiers?.acme ?? r.gitlab.tier).toBe('ultimate');
    expect(r.skipped.filter((s) => s.target.path === 'acme/api' && /^requires /.test(s.reason))).toEqual([]);
    // Judged, not skipped: the Premium approval rule produced a verdict on acme/api (here: compliant).
    expect(r.errors.filter((e) => e.target.path === 'acme/api')).toEqual([]);
  });

  it('a namespace whose tier cannot be told is an error on its targets naming it (exit 2), never a silent skip', async () => {
    // dave is a Maintainer of beta/app only and beta is private: /namespaces/beta and /groups/beta answer 404 to him,
    // and he is no administrator (no /license). Nothing he may read tells beta's tier.
    const dave = sim.state.users.find((u) => u.username === 'dave')!;
    sim.state.groups.find((g) => g.full_path === 'beta')!.visibility = 'private';
    sim.state.projects.find((p) => p.path_with_namespace === 'beta/app')!.members.push({ user_id: dave.id, access_level: 40 } as never);
    const file = writeBaseline(dir, sim.url, 'targets: { projects: [beta/app] }\nprofile: hardened\n');
    const run = await runCli(['check', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.developer });
    const r = JSON.parse(run.stdout) as Json;
    expect(run.code).toBe(2);
    const err = r.errors.find((e) => e.target.path === 'beta/app' && /tier/.test(e.message));
    expect(err?.message).toMatch(/^could not determine the GitLab tier of namespace beta: .*Set gitlab\.tier \(free, premium or ultimate\) in the baseline/);
    expect(err?.rules).toContain('mr-approvals.min-approvals');
    // The paid rules are not skipped; the free ones still judge the project.
    expect(r.skipped.filter((s) => s.target.path === 'beta/app' && /^requires /.test(s.reason))).toEqual([]);
    expect(r.findings.some((f) => f.target.path === 'beta/app')).toBe(true);
    // Pinned, the same project is judged at the pinned tier and detection is not asked.
    const pinned = join(dir, 'pinned.yaml');
    writeFileSync(pinned, `gitlab: { url: "${sim.url}", tier: free }\ntargets: { projects: [beta/app] }\nprofile: hardened\n`);
    const again = JSON.parse((await runCli(['check', '--baseline', pinned, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.developer })).stdout) as Json;
    expect(again.errors.filter((e) => /tier/.test(e.message))).toEqual([]);
    expect(again.gitlab.namespaceTiers).toBeUndefined();
    expect(again.skipped.find((s) => s.target.path === 'beta/app' && s.rule === 'mr-approvals.min-approvals')?.reason).toBe('requires premium (detected free)');
  });
});
