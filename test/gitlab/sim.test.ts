// The client against the simulator (sim/server.ts): real routes, pagination, faults and throttling.
import { afterEach, describe, expect, it } from 'vitest';
import { enc, GitlabClient } from '../../gitlab/client';
import { ForbiddenError, NotFoundError, ServerError, UnauthorizedError } from '../../gitlab/errors';
import { detectGitlab } from '../../gitlab/tier';
import type { GlProject } from '../../gitlab/types';
import { startSim, type RunningSim } from '../../sim/server';
import { fakeSleep } from './script-server';
import { fakeClock } from '../helpers/clock';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const fast = { sleep: fakeSleep().sleep, backoff: { baseMs: 1, capMs: 2 } };

describe('pagination against the sim', () => {
  it('lists 1,500 projects of a group tree: 15 pages, no duplicates', async () => {
    sim = await startSim({ scenario: 'generate', projects: 1500 });
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.owner, ...fast });
    const rows = await c.all<GlProject>('/groups/bench/projects', { include_subgroups: true });
    expect(rows.length).toBe(1500);
    expect(new Set(rows.map((p) => p.id)).size).toBe(1500);
    expect(rows.every((p) => p.path_with_namespace.startsWith('bench/team-'))).toBe(true);
    expect(sim.counts()['GET /groups/:id/projects']).toBe(15);
  });

  it('above 10,000 projects (no totals) follows x-next-page to the end', async () => {
    sim = await startSim({ scenario: 'generate', projects: 10_050 });
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.owner, ...fast });
    let n = 0;
    for await (const page of c.pages<GlProject>('/groups/bench/projects', { include_subgroups: true })) n += page.length;
    expect(n).toBe(10_050);
    expect(sim.counts()['GET /groups/:id/projects']).toBe(101);
  });

  it('keyset over /projects', async () => {
    sim = await startSim({ scenario: 'generate', projects: 250 });
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.admin, ...fast });
    const rows = await c.all<GlProject>('/projects', {}, { keyset: true });
    const ids = rows.map((p) => p.id);
    expect(ids.length).toBeGreaterThanOrEqual(250);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('faults against the sim', () => {
  it('retries GET on 500, 502 and resets; the sim counts prove it', async () => {
    sim = await startSim({
      scenario: 'generate',
      projects: 300,
      faultPlan: [
        { method: 'GET', route: '/groups/:id/projects', status: 500, times: 1 },
        { method: 'GET', route: '/groups/:id/projects', status: 502, times: 1 },
        { method: 'GET', route: '/groups/:id/projects', status: 'reset', times: 1 },
      ],
    });
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.owner, ...fast });
    const rows = await c.all<GlProject>('/groups/bench/projects', { include_subgroups: true });
    expect(rows.length).toBe(300);
    expect(sim.faultCount()).toBe(3);
    expect(sim.counts()['GET /groups/:id/projects']).toBe(3 + 3);
    expect(c.stats()).toMatchObject({ retries: 3, errors: 0 });
  });

  it('does not retry a POST on 500', async () => {
    sim = await startSim({ scenario: 'hardened', faultPlan: [{ method: 'POST', route: '/projects/:id/hooks', status: 500, times: 1 }] });
    const project = sim.state.projects[0];
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.admin, ...fast });
    const err = await c.post(`/projects/${enc(project.path_with_namespace)}/hooks`, { url: 'https://hooks.example/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain(`POST /projects/${enc(project.path_with_namespace)}/hooks -> 500`);
    expect(sim.counts()['POST /projects/:id/hooks']).toBe(1);
  });

  it('rides out the sim throttle: 429s are waited out, every request succeeds', async () => {
    // One clock for the sim's throttle window and the client's waits: the waits are recorded, not spent.
    const clock = fakeClock();
    sim = await startSim({ scenario: 'generate', projects: 10, rateLimit: { limit: 15, windowMs: 1000 }, now: clock.date });
    const events: string[] = [];
    const c = new GitlabClient({ url: sim.url, token: sim.tokens.owner, concurrency: 4, onEvent: (e) => events.push(e.type), now: clock.now, sleep: clock.sleep });
    const projects = sim.state.projects.filter((p) => p.path_with_namespace.startsWith('bench/'));
    const got = await Promise.all([...projects, ...projects, ...projects].map((p) => c.get<GlProject>(`/projects/${p.id}`)));
    expect(got.map((p) => p.id)).toEqual([...projects, ...projects, ...projects].map((p) => p.id));
    expect(sim.counts()['GET /projects/:id']).toBe(30 + c.stats().rateLimited);
    expect(c.stats().errors).toBe(0);
    // Either the limiter spaced requests out before the window ran dry, or a 429 paused everyone.
    expect(events.some((t) => t === 'throttle' || t === 'rate-limited')).toBe(true);
    // 15 requests per 1 s window: the 30 reads (plus any 429s) took at least one more window of waiting.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe('errors and tier against the sim', () => {
  it('401 / 403 / 404 / insufficient_scope are typed with useful messages', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const project = sim.state.projects[0];
    const p = enc(project.path_with_namespace);
    const bad = new GitlabClient({ url: sim.url, token: 'glpat-not-a-real-token-000000', ...fast });
    await expect(bad.get('/groups')).rejects.toBeInstanceOf(UnauthorizedError);
    const dev = new GitlabClient({ url: sim.url, token: sim.tokens.developer, ...fast });
    const forbidden = await dev.get(`/projects/${p}/hooks`).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect((forbidden as Error).message).toContain(`GET /projects/${p}/hooks -> 403`);
    expect((forbidden as Error).message).toContain('needs Maintainer');
    const admin = new GitlabClient({ url: sim.url, token: sim.tokens.admin, ...fast });
    await expect(admin.get('/projects/nope%2Fnothing')).rejects.toBeInstanceOf(NotFoundError);
    const ro = new GitlabClient({ url: sim.url, token: sim.tokens.readOnly, ...fast });
    const scope = await ro.put(`/projects/${p}`, { public_jobs: false }).catch((e: unknown) => e);
    expect(scope).toBeInstanceOf(ForbiddenError);
    expect((scope as Error).message).toContain('lacks the `api` scope');
  });

  it('detects tier: licence (admin), namespace plan (GitLab.com), baseline, CE', async () => {
    sim = await startSim({ scenario: 'hardened', tier: 'ultimate' });
    const admin = new GitlabClient({ url: sim.url, token: sim.tokens.admin, ...fast });
    expect(await detectGitlab(admin)).toMatchObject({ tier: 'ultimate', tierSource: 'license', isAdmin: true });
    expect(await detectGitlab(admin, { baselineTier: 'free' })).toMatchObject({ tier: 'free', tierSource: 'baseline' });
    await sim.close();

    sim = await startSim({ scenario: 'hardened', tier: 'premium', saas: true });
    const owner = new GitlabClient({ url: sim.url, token: sim.tokens.owner, ...fast });
    const top = sim.state.groups.find((g) => g.parent_id === null)!.full_path;
    expect(await detectGitlab(owner, { topGroups: [top] })).toMatchObject({ tier: 'premium', tierSource: 'namespace', isAdmin: false });
    await sim.close();

    sim = await startSim({ scenario: 'hardened', edition: 'ce', tier: 'free' });
    const ce = new GitlabClient({ url: sim.url, token: sim.tokens.admin, ...fast });
    expect(await detectGitlab(ce)).toMatchObject({ tier: 'free', tierSource: 'build', isAdmin: true });
  });
});
