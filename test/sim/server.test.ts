// Raw HTTP behaviour of the sim: auth bodies, routing, tiers, pagination, knobs, audit and streaming.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { loadState, startSim, type RunningSim } from '../../sim';
import { putJson, raw } from './helpers';

describe('auth, routing and tiers', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'hardened' });
  });
  afterAll(() => sim.close());

  it.each([
    ['no token', undefined, false],
    ['bad PRIVATE-TOKEN', 'glpat-nope', false],
    ['bad Bearer', 'glpat-nope', true],
  ])('401 with GitLab body: %s', async (_n, token, bearer) => {
    const r = await raw(sim, '/groups/acme', { token, bearer });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ message: '401 Unauthorized' });
  });

  it('accepts Authorization: Bearer', async () => {
    const r = await raw(sim, '/groups/acme', { token: sim.tokens.owner, bearer: true });
    expect(r.status).toBe(200);
    expect((r.json as { full_path: string }).full_path).toBe('acme');
  });

  it('revoked and expired tokens are 401', async () => {
    const alice = sim.state.users.find((u) => u.username === 'alice')!;
    sim.state.tokens.push(
      { id: 9001, token: 'glpat-revoked', name: 'r', user_id: alice.id, scopes: ['api'], revoked: true, expires_at: null, created_at: '2026-01-01T00:00:00Z' },
      { id: 9002, token: 'glpat-expired', name: 'e', user_id: alice.id, scopes: ['api'], revoked: false, expires_at: '2020-01-01', created_at: '2019-01-01T00:00:00Z' },
    );
    expect((await raw(sim, '/version', { token: 'glpat-revoked' })).status).toBe(401);
    expect((await raw(sim, '/version', { token: 'glpat-expired' })).status).toBe(401);
  });

  it('un-encoded slash misses the route; encoded path matches', async () => {
    const miss = await raw(sim, '/projects/acme/web', { token: sim.tokens.owner });
    expect(miss.status).toBe(404);
    expect(miss.json).toEqual({ error: '404 Not Found' });
    const hit = await raw(sim, '/projects/acme%2Fweb', { token: sim.tokens.owner });
    expect((hit.json as { path_with_namespace: string }).path_with_namespace).toBe('acme/web');
    expect(sim.counts()['GET (unknown route)']).toBeGreaterThanOrEqual(1);
  });

  it('invisible project is 404 Project Not Found', async () => {
    const outsider = await raw(sim, '/projects/acme%2Fnope', { token: sim.tokens.owner });
    expect(outsider.json).toEqual({ message: '404 Project Not Found' });
  });

  it('read_api token cannot write: 403 insufficient_scope', async () => {
    const r = await putJson(sim, '/groups/acme', sim.tokens.readOnly, { two_factor_grace_period: 1 });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: 'insufficient_scope', scope: 'api' });
  });

  it('Developer cannot see Git-abuse keys and cannot PUT the group', async () => {
    const g = (await raw(sim, '/groups/acme', { token: sim.tokens.developer })).json as Record<string, unknown>;
    expect(g.require_two_factor_authentication).toBe(true);
    expect('unique_project_download_limit' in g).toBe(false);
    expect('auto_ban_user_on_excessive_projects_download' in g).toBe(false);
    const w = await putJson(sim, '/groups/acme', sim.tokens.developer, { require_two_factor_authentication: false });
    expect(w.status).toBe(403);
    expect(w.json).toEqual({ message: '403 Forbidden' });
  });

  it('Git-abuse range validation -> 400 field errors, no change, no audit event', async () => {
    const before = sim.state.audit_events.length;
    const r = await putJson(sim, '/groups/acme', sim.tokens.owner, { unique_project_download_limit: 10_001 });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ message: { unique_project_download_limit: ['must be less than or equal to 10000'] } });
    const ok = await putJson(sim, '/groups/acme', sim.tokens.owner, { unique_project_download_limit: 20 });
    expect((ok.json as Record<string, unknown>).unique_project_download_limit).toBe(20);
    expect(sim.state.audit_events.length).toBe(before);
  });

  it('form-encoded PUT with Grape booleans is parsed', async () => {
    const r = await raw(sim, '/groups/acme%2Fsandbox', {
      method: 'PUT',
      token: sim.tokens.owner,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'two_factor_grace_period=4&require_two_factor_authentication=yes',
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ two_factor_grace_period: 4, require_two_factor_authentication: true });
  });

  it('PUT /projects/:id without an updatable key -> 400 at_least_one_of', async () => {
    const r = await putJson(sim, '/projects/acme%2Fapi', sim.tokens.maintainer, { nonsense: 1 });
    expect(r.status).toBe(400);
    expect((r.json as { error: string }).error).toMatch(/^name, description, .* are missing, at least one parameter must be provided$/);
  });

  it('project cannot be more visible than its private group', async () => {
    const r = await putJson(sim, '/projects/acme%2Fapi', sim.tokens.maintainer, { visibility: 'public' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ message: { visibility_level: ['public is not allowed in a private group.'] } });
  });

  it('audit events carry author, ip (X-Forwarded-For) and the request User-Agent in the side table', async () => {
    const r = await raw(sim, '/projects/acme%2Fapi', {
      method: 'PUT',
      token: sim.tokens.maintainer,
      headers: { 'content-type': 'application/json', 'user-agent': 'gitlab-posture/0.1 revert', 'x-forwarded-for': '192.0.2.77' },
      body: JSON.stringify({ only_allow_merge_if_pipeline_succeeds: false }),
    });
    expect(r.status).toBe(200);
    const e = sim.state.audit_events[sim.state.audit_events.length - 1];
    const bob = sim.state.users.find((u) => u.username === 'bob')!;
    expect(e).toMatchObject({
      author_id: bob.id,
      event_name: 'project_only_allow_merge_if_pipeline_succeeds_updated',
      details: { ip_address: '192.0.2.77', change: 'only_allow_merge_if_pipeline_succeeds', from: true, to: false, author_email: 'bob@acme.example' },
    });
    expect(sim.userAgentOf(e.id)).toBe('gitlab-posture/0.1 revert');
    expect('user_agent' in e).toBe(false);
  });

  it('Developer sees only own project audit events; below Developer 403', async () => {
    const r = await raw(sim, '/projects/acme%2Fapi/audit_events', { token: sim.tokens.developer });
    expect(r.status).toBe(200);
    expect(r.json).toEqual([]);
  });

  it('instance audit events are admin-only', async () => {
    const r = await raw(sim, '/audit_events', { token: sim.tokens.owner });
    expect(r.status).toBe(403);
  });

  it('audit events keyset: cursor Link rel=next, newest first', async () => {
    const r = await raw(sim, '/audit_events?pagination=keyset&order_by=id&sort=desc&per_page=1', { token: sim.tokens.admin });
    const [first] = r.json as { id: number }[];
    expect(first.id).toBe(Math.max(...sim.state.audit_events.map((e) => e.id)));
    const next = /<([^>]+)>; rel="next"/.exec(r.headers.get('link')!)![1];
    expect(next).toContain('cursor=');
    const r2 = await fetch(next, { headers: { 'PRIVATE-TOKEN': sim.tokens.admin } });
    const [second] = (await r2.json()) as { id: number }[];
    expect(second.id).toBeLessThan(first.id);
  });
});

describe('tier and edition gating', () => {
  it('CE: EE routes are unknown routes (404), EE keys absent', async () => {
    const sim = await startSim({ scenario: 'hardened', edition: 'ce' });
    try {
      const r = await raw(sim, '/projects/acme%2Fweb/audit_events', { token: sim.tokens.owner });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: '404 Not Found' });
      const g = (await raw(sim, '/groups/acme', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect('membership_lock' in g).toBe(false);
      expect('unique_project_download_limit' in g).toBe(false);
      const m = (await raw(sim, '/metadata', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect(m.enterprise).toBe(false);
      expect(sim.state.version).toBe('17.11.2');
    } finally {
      await sim.close();
    }
  });

  it('unlicensed EE (free): audit events 403, membership_lock present, Premium keys absent', async () => {
    const sim = await startSim({ scenario: 'hardened', tier: 'free' });
    try {
      const r = await raw(sim, '/groups/acme/audit_events', { token: sim.tokens.owner });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ message: '403 Forbidden' });
      const g = (await raw(sim, '/groups/acme', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect(g.membership_lock).toBe(false);
      expect('ip_restriction_ranges' in g).toBe(false);
      const p = (await raw(sim, '/projects/acme%2Fweb', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect('approvals_before_merge' in p).toBe(false);
      const lic = await raw(sim, '/license', { token: sim.tokens.admin });
      expect(lic.status).toBe(200);
      expect(lic.json).toBeNull();
    } finally {
      await sim.close();
    }
  });

  it('premium: Git-abuse keys absent even for the owner', async () => {
    const sim = await startSim({ scenario: 'hardened', tier: 'premium' });
    try {
      const g = (await raw(sim, '/groups/acme', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect('unique_project_download_limit' in g).toBe(false);
      expect(g.ip_restriction_ranges).toBeNull();
      const l = (await raw(sim, '/license', { token: sim.tokens.admin })).json as Record<string, unknown>;
      expect(l.plan).toBe('premium');
    } finally {
      await sim.close();
    }
  });

  it('saas: namespace plan is the tier', async () => {
    const sim = await startSim({ scenario: 'hardened', tier: 'premium', saas: true });
    try {
      const n = (await raw(sim, '/namespaces/acme', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect(n.plan).toBe('premium');
    } finally {
      await sim.close();
    }
  });
});

describe('pagination', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'generate', projects: 10_050, seed: 7, offsetPaginationLimit: 10_000 });
  });
  afterAll(() => sim.close());

  it('offset pages over >100 and >1,000 items carry x-* headers and Link', async () => {
    const r = await raw(sim, '/groups/bench%2Fteam-000/projects?per_page=500&page=1', { token: sim.tokens.owner });
    expect((r.json as unknown[]).length).toBe(100);
    expect(r.headers.get('x-per-page')).toBe('100');
    expect(r.headers.get('x-total')).toBe('100');
    expect(r.headers.get('x-total-pages')).toBe('1');
    expect(r.headers.get('x-next-page')).toBe('');
    const big = await raw(sim, '/groups/bench/projects?include_subgroups=true&per_page=100&page=2&simple=true', { token: sim.tokens.owner });
    expect(big.headers.get('x-page')).toBe('2');
    expect(big.headers.get('x-next-page')).toBe('3');
    expect(big.headers.get('x-prev-page')).toBe('1');
    // 10,050 rows: above 10,000 GitLab drops the totals and rel="last".
    expect(big.headers.get('x-total')).toBeNull();
    expect(big.headers.get('x-total-pages')).toBeNull();
    expect(big.headers.get('link')).toContain('rel="next"');
    expect(big.headers.get('link')).not.toContain('rel="last"');
    const sub = await raw(sim, '/groups/bench/subgroups?per_page=100', { token: sim.tokens.owner });
    expect(sub.headers.get('x-total')).toBe('101');
    expect(sub.headers.get('x-total-pages')).toBe('2');
    expect(sub.headers.get('link')).toContain('rel="last"');
  });

  it('offset past the limit -> 405 with GitLab body', async () => {
    const r = await raw(sim, '/projects?per_page=100&page=102', { token: sim.tokens.owner });
    expect(r.status).toBe(405);
    expect(r.json).toEqual({
      error:
        'Offset pagination has a maximum allowed offset of 10000 for requests that return objects of type Project. Remaining records can be retrieved using keyset pagination.',
    });
    const ok = await raw(sim, '/projects?per_page=100&page=101', { token: sim.tokens.owner });
    expect(ok.status).toBe(200);
  });

  it('keyset on /projects: only Link rel=next with id_after, none at the end', async () => {
    const first = await raw(sim, '/projects?pagination=keyset&order_by=id&sort=asc&per_page=100', { token: sim.tokens.owner });
    const ids = (first.json as { id: number }[]).map((p) => p.id);
    expect(ids.length).toBe(100);
    expect(first.headers.get('x-total')).toBeNull();
    expect(first.headers.get('x-next-page')).toBeNull();
    const link = first.headers.get('link')!;
    expect(link).toMatch(new RegExp(`id_after=${ids[99]}.*rel="next"$`));
    let url: string | undefined = /<([^>]+)>/.exec(link)![1];
    let seen = ids.length;
    let pages = 1;
    while (url && pages < 200) {
      const res: Response = await fetch(url, { headers: { 'PRIVATE-TOKEN': sim.tokens.owner } });
      seen += ((await res.json()) as unknown[]).length;
      pages += 1;
      const l: string | null = res.headers.get('link');
      url = l ? /<([^>]+)>/.exec(l)![1] : undefined;
    }
    expect(seen).toBe(10_050);
    expect(pages).toBe(101);
  });
});

describe('knobs', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'hardened' });
  });
  afterAll(() => sim.close());

  it('rate limit: RateLimit-* headers, then 429 Retry later with Retry-After and ResetTime', async () => {
    sim.setKnobs({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof raw>> | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await raw(sim, '/version', { token: sim.tokens.developer });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
        expect(last.headers.get('ratelimit-limit')).toBe('3');
        expect(last.headers.get('ratelimit-observed')).toBe('1');
        expect(last.headers.get('ratelimit-remaining')).toBe('2');
        expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.text).toBe('Retry later');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(new Date(last!.headers.get('ratelimit-resettime')!).getTime()).toBeGreaterThan(0);
    // Another token has its own window.
    expect((await raw(sim, '/version', { token: sim.tokens.owner })).status).toBe(200);
    sim.setKnobs({ rateLimit: null });
    expect((await raw(sim, '/version', { token: sim.tokens.developer })).headers.get('ratelimit-name')).toBeNull();
  });

  it('faultPlan: the next 2 GETs of /projects/:id fail with 502, then succeed; state untouched by a faulted PUT', async () => {
    sim.resetCounts();
    sim.setKnobs({ faultPlan: [{ method: 'GET', route: '/projects/:id', status: 502, times: 2 }, { method: 'PUT', status: 500, times: 1 }] });
    const got = [];
    for (let i = 0; i < 3; i += 1) got.push((await raw(sim, '/projects/acme%2Fweb', { token: sim.tokens.owner })).status);
    expect(got).toEqual([502, 502, 200]);
    const put = await putJson(sim, '/projects/acme%2Fweb', sim.tokens.owner, { public_jobs: true });
    expect(put.status).toBe(500);
    expect(sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.public_jobs).toBe(false);
    expect(sim.counts()).toEqual({ 'GET /projects/:id': 3, 'PUT /projects/:id': 1 });
    expect(sim.faultCount()).toBe(3);
    expect(sim.totalRequests()).toBe(4);
    expect(sim.statusCounts()).toEqual({ '200': 1, '500': 1, '502': 2 });
  });

  it('reset destroys the connection without a response', async () => {
    sim.setKnobs({ faultPlan: [{ route: '/version', status: 'reset', times: 1 }] });
    await expect(fetch(`${sim.apiUrl}/version`, { headers: { 'PRIVATE-TOKEN': sim.tokens.owner } })).rejects.toThrow();
    expect((await raw(sim, '/version', { token: sim.tokens.owner })).status).toBe(200);
  });

  it('faultRate with a seed is deterministic and counted', async () => {
    const run = async () => {
      sim.resetCounts();
      sim.setKnobs({ faultPlan: [], faultRate: 0.5, faults: ['500', '502'], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i += 1) out.push((await raw(sim, '/version', { token: sim.tokens.owner })).status);
      return out;
    };
    const a = await run();
    const faults = sim.faultCount();
    const b = await run();
    sim.setKnobs({ faultRate: 0 });
    expect(a).toEqual(b);
    expect(faults).toBe(a.filter((s) => s !== 200).length);
    expect(faults).toBeGreaterThan(3);
    expect(faults).toBeLessThan(17);
    expect(new Set(a.filter((s) => s !== 200))).toEqual(new Set([500, 502]));
  });
});

describe('state files and streaming', () => {
  it('save/load round trip keeps state and tokens', async () => {
    const dir = tempDir('sim-');
    const file = join(dir, 'state.json');
    const a = await startSim({ scenario: 'incident' });
    await putJson(a, '/groups/acme', a.tokens.owner, { two_factor_grace_period: 2 });
    await a.save(file);
    await a.close();
    const b = await startSim({ stateFile: file });
    try {
      expect(b.tokens.owner).toBe(a.tokens.owner);
      const g = (await raw(b, '/groups/acme', { token: b.tokens.owner })).json as Record<string, unknown>;
      expect(g.two_factor_grace_period).toBe(2);
      expect(b.state.audit_events.length).toBe(a.state.audit_events.length);
    } finally {
      await b.close();
    }
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, JSON.stringify({ tier: 'gold' }));
    await expect(loadState(file)).rejects.toThrow(/state\.json: tier: expected free \| premium \| ultimate, got "gold"/);
  });

  it('streams audit events to a loopback destination with the verification token', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const port = (receiver.address() as AddressInfo).port;
    const sim = await startSim({ scenario: 'hardened' });
    try {
      const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
      acme.streaming_destinations = [
        { id: 1, url: `http://127.0.0.1:${port}/audit`, verification_token: 'verify-me-123' },
        { id: 2, url: 'http://10.0.0.1/audit', verification_token: 'never' },
      ];
      await putJson(sim, '/projects/acme%2Fplatform%2Finfra', sim.tokens.owner, { visibility: 'internal' }).then((r) => expect(r.status).toBe(400));
      await putJson(sim, '/groups/acme%2Fplatform', sim.tokens.owner, { require_two_factor_authentication: false });
      await sim.settleStreams();
      expect(received).toHaveLength(1);
      const [got] = received;
      expect(got.headers['x-gitlab-event-streaming-token']).toBe('verify-me-123');
      expect(got.headers['x-gitlab-audit-event-type']).toBe('group_require_two_factor_authentication_updated');
      const event = sim.state.audit_events[sim.state.audit_events.length - 1];
      // GitLab streams `audit_event.as_json` (AuditEvents::Strategies::ExternalDestinationStrategy#request_body):
      // details as stored, so from/to keep their types here, unlike the REST API's formatted_details strings.
      expect(got.body).toMatchObject({
        id: String(event.id),
        event_type: 'group_require_two_factor_authentication_updated',
        entity_path: 'acme/platform',
        author_name: 'Alice Owner',
        ip_address: '127.0.0.1',
        target_type: 'Group',
        details: { change: 'require_two_factor_authentication', from: true, to: false },
      });
    } finally {
      await sim.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
