import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient } from '../../gitlab/client';
import { UnauthorizedError } from '../../gitlab/errors';
import { detectGitlab, planToTier } from '../../gitlab/tier';
import { targetTier } from '../../model/tiers';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';
import { simPerTest } from '../helpers/sim';
import { scriptServer, TOKEN, type Answer, type ScriptServer } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const forbidden: Answer = { status: 403, body: { message: '403 Forbidden' } };
const notFound: Answer = { status: 404, body: { error: '404 Not Found' } };

async function gitlab(routes: Record<string, Answer>) {
  srv = await scriptServer((req) => routes[req.path.replace('/api/v4', '')] ?? notFound);
  return new GitlabClient({ url: srv.url, token: TOKEN });
}

const ee = { status: 200, body: { version: '17.9.1-ee', revision: 'abc', enterprise: true } } as const;

describe('detectGitlab', () => {
  it('admin with an Ultimate licence', async () => {
    const c = await gitlab({ '/metadata': ee, '/application/settings': { status: 200, body: {} }, '/license': { status: 200, body: { id: 1, plan: 'ultimate', expired: false } } });
    expect(await detectGitlab(c)).toEqual({ url: c.url, version: '17.9.1-ee', tier: 'ultimate', tierSource: 'license', isAdmin: true, edition: 'ee' });
  });

  it('a legacy gold licence is ultimate; an expired one is free', async () => {
    const c = await gitlab({ '/metadata': ee, '/application/settings': { status: 200, body: {} }, '/license': { status: 200, body: { plan: 'gold', expired: true } } });
    expect((await detectGitlab(c)).tier).toBe('free');
    expect(planToTier('gold')).toBe('ultimate');
    expect(planToTier('silver')).toBe('premium');
    expect(planToTier('starter')).toBe('premium');
    expect(planToTier('premium_trial')).toBe('premium');
    expect(planToTier('ultimate_trial_paid_customer')).toBe('ultimate');
    expect(planToTier('default')).toBeUndefined();
  });

  it('GitLab.com: each top-level namespace has its own plan; a target gets its own root\'s, the run-wide tier is the lowest', async () => {
    const c = await gitlab({
      '/metadata': ee,
      '/application/settings': forbidden,
      '/namespaces/acme': { status: 200, body: { id: 1, full_path: 'acme', kind: 'group', plan: 'ultimate' } },
      '/namespaces/beta': { status: 200, body: { id: 2, full_path: 'beta', kind: 'group', plan: 'premium' } },
    });
    // beta/x is a subgroup: the plan belongs to its top-level namespace beta (Namespace#actual_plan_name).
    const info = await detectGitlab(c, { topGroups: ['acme', 'beta/x'] });
    expect(info).toEqual({
      url: c.url, version: '17.9.1-ee', tier: 'premium', tierSource: 'namespace', isAdmin: false, edition: 'ee',
      namespaces: { acme: { tier: 'ultimate', tierSource: 'namespace' }, beta: { tier: 'premium', tierSource: 'namespace' } },
    });
    expect(targetTier(info, { kind: 'project', path: 'acme/api' })).toEqual({ tier: 'ultimate', tierSource: 'namespace', namespace: 'acme' });
    expect(targetTier(info, { kind: 'group', path: 'beta/x' })).toEqual({ tier: 'premium', tierSource: 'namespace', namespace: 'beta' });
    expect(srv!.requests.some((r) => r.path === '/api/v4/license')).toBe(false);
  });

  it('the baseline tier wins over detection', async () => {
    const c = await gitlab({ '/metadata': ee, '/application/settings': { status: 200, body: {} }, '/license': { status: 200, body: { plan: 'ultimate' } } });
    expect(await detectGitlab(c, { baselineTier: 'premium' })).toMatchObject({ tier: 'premium', tierSource: 'baseline', isAdmin: true });
  });

  it('CE (no /metadata on old versions): /version, free from the build', async () => {
    const c = await gitlab({ '/version': { status: 200, body: { version: '15.0.0', revision: 'x' } }, '/application/settings': { status: 200, body: {} } });
    expect(await detectGitlab(c)).toEqual({ url: c.url, version: '15.0.0', tier: 'free', tierSource: 'build', isAdmin: true, edition: 'ce' });
    // CE has no licence endpoint worth asking.
    expect(srv!.requests.map((r) => r.path)).toEqual(['/api/v4/metadata', '/api/v4/version', '/api/v4/application/settings']);
  });

  it('EE, not admin, no plan and an unreadable top-level group: undetermined on that namespace, naming it, never "free"', async () => {
    const c = await gitlab({ '/metadata': ee, '/application/settings': forbidden, '/namespaces/acme': { status: 200, body: { id: 1, plan: 'default' } }, '/groups/acme': forbidden });
    const info = await detectGitlab(c, { topGroups: ['acme/platform/api'] });
    const t = targetTier(info, { kind: 'project', path: 'acme/platform/api' });
    expect('undetermined' in t && t.undetermined).toMatch(/^could not determine the GitLab tier of namespace acme: .* Set gitlab.tier \(free, premium or ultimate\) in the baseline, or use a token that owns acme\.$/);
    // Pinned, nothing is asked.
    expect(await detectGitlab(c, { topGroups: ['acme'], baselineTier: 'premium' })).toMatchObject({ tier: 'premium', tierSource: 'baseline' });
  });

  it('self-managed, no admin: licence-gated keys of the top-level group tell the tier of that namespace', async () => {
    const group = (extra: Record<string, unknown>): Answer => ({ status: 200, body: { id: 1, full_path: 'x', ...extra } });
    const c = await gitlab({
      '/metadata': ee,
      '/application/settings': forbidden,
      '/namespaces/acme': { status: 200, body: { id: 1, plan: 'default' } },
      '/namespaces/beta': { status: 200, body: { id: 2, plan: 'default' } },
      '/groups/acme': group({ ip_restriction_ranges: null, unique_project_download_limit: 0 }),
      '/groups/beta': group({ ip_restriction_ranges: null }),
    });
    expect(await detectGitlab(c, { topGroups: ['acme'] })).toMatchObject({ tier: 'ultimate', tierSource: 'group' });
    // Listing beta beside acme does not lower acme's tier: each keeps its own.
    const both = await detectGitlab(c, { topGroups: ['acme', 'beta'] });
    expect(both).toMatchObject({ tier: 'premium', tierSource: 'group', namespaces: { acme: { tier: 'ultimate' }, beta: { tier: 'premium' } } });
  });

  it('a bad token is an error, not "free"', async () => {
    const c = await gitlab({ '/metadata': { status: 401, body: { message: '401 Unauthorized' } } });
    await expect(detectGitlab(c)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('the tier does not depend on which targets the baseline lists (issue: acme Ultimate, acme/platform Premium, acme/api Free)', () => {
  const freshSim = simPerTest();

  it.each([
    ['the top-level group', 'targets: { groups: [acme] }'],
    ['a subgroup', 'targets: { groups: [acme/platform] }'],
    ['a single project', 'targets: { projects: [acme/api] }'],
  ])('%s of an Ultimate namespace is checked at Ultimate', async (_name, targets) => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-tier-');
    const file = writeBaseline(dir, sim.url, `${targets}\nprofile: hardened\n`);
    const run = await runCli(['check', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    const result = JSON.parse(run.stdout) as { gitlab: { tier: string }; skipped: { reason: string }[] };
    expect(result.gitlab.tier).toBe('ultimate');
    expect(result.skipped.filter((s) => /requires (premium|ultimate)/.test(s.reason))).toEqual([]);
  });
});
