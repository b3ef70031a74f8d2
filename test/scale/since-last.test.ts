// `check --since-last` against the simulator: the first run is full and saves the state; after changes made
// through the API (which emit audit events) only the changed targets are read again, and the result equals a
// fresh full check. Fallbacks: Free tier, an old full pass, a broken state file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import { addGroup, addProject } from '../../sim/scenarios/build';
import { buildAuditEvent } from '../../sim/audit';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import type { CheckResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { GlAuditEvent } from '../../gitlab/types';
import { planChanges } from '../../checks/scale/incremental';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const BENCH = 'targets: { groups: [bench] }\nprofile: hardened\n';
const sortedKeys = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

async function api(method: string, path: string, token: string, body?: unknown): Promise<number> {
  const res = await fetch(`${sim!.apiUrl}${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await res.text();
  return res.status;
}

function setup(body: string) {
  const dir = tempDir();
  const baseline = writeBaseline(dir, sim!.url, body);
  const stateDir = join(dir, 'state');
  return { dir, baseline, stateDir, stateFile: join(stateDir, 'last-snapshot.json') };
}

async function check(baseline: string, token: string, extra: string[], now?: Date) {
  const run = await runCli(['check', '--baseline', baseline, '--format', 'json', ...extra], { GITLAB_TOKEN: token }, now ? { now } : {});
  return { ...run, result: JSON.parse(run.stdout) as CheckResult };
}

function expectSameResult(a: CheckResult, b: CheckResult) {
  expect(sortedKeys(a.findings)).toEqual(sortedKeys(b.findings));
  expect(sortedKeys(a.errors)).toEqual(sortedKeys(b.errors));
  expect(a.summary).toEqual(b.summary);
}

describe('check --since-last', () => {
  it('admin token: full first, then one instance-wide audit read and only the changed reads; equals a full check', async () => {
    sim = await startSim({ scenario: 'generate', projects: 300 });
    const s = setup(BENCH);
    const first = await check(s.baseline, sim.tokens.admin, ['--since-last', '--state-dir', s.stateDir]);
    expect(first.stderr).toContain('full check: no previous snapshot');
    const saved = JSON.parse(readFileSync(s.stateFile, 'utf8')) as Snapshot;
    expect(saved.fullPassAt).toBe(saved.takenAt);
    expect(saved.projects).toHaveLength(300);

    const [a, b] = saved.projects.filter((p) => p.project.ok && !p.protectedBranches?.ok === false).slice(10, 12);
    expect(await api('PATCH', `/projects/${a!.target.id}/protected_branches/main`, sim.tokens.admin, { allow_force_push: true })).toBe(200);
    expect(await api('POST', `/projects/${b!.target.id}/variables`, sim.tokens.admin, { key: 'NEW_API_TOKEN', value: 'x-secret-value', masked: false })).toBe(201);

    sim.resetCounts();
    const second = await check(s.baseline, sim.tokens.admin, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain('one instance-wide read (admin token)');
    expect(second.stderr).toMatch(/re-read 2 project\(s\)/);
    const counts = sim.counts();
    expect(counts['GET /audit_events']).toBe(1);
    expect(counts['GET /projects/:id/protected_branches']).toBe(1);
    expect(counts['GET /projects/:id/variables']).toBe(1);
    // Every project id is listed again (a moved-in project keeps its id), 100 per page.
    expect(counts['GET /groups/:id/projects']).toBe(3);
    // The job token scope is read for every project: GitLab does not audit a change made through REST.
    expect(counts['GET /projects/:id/job_token_scope']).toBe(300);
    expect(second.stderr).toContain('the job token scope of every project is read on each run');
    expect(sim.totalRequests() - counts['GET /projects/:id/job_token_scope']!).toBeLessThan(30);
    expect(second.result.findings.some((f) => f.rule === 'protected-branches.force-push' && f.target.id === a!.target.id)).toBe(true);
    expect(second.result.findings.some((f) => f.rule === 'ci.masked-variables' && f.target.id === b!.target.id && f.object === 'NEW_API_TOKEN')).toBe(true);

    const full = await check(s.baseline, sim.tokens.admin, []);
    expectSameResult(second.result, full.result);
    // The state moved on, but the full pass did not.
    const after = JSON.parse(readFileSync(s.stateFile, 'utf8')) as Snapshot;
    expect(after.fullPassAt).toBe(saved.fullPassAt);
    expect(after.takenAt >= saved.takenAt).toBe(true);
  });

  it('owner token (no admin): per-group and per-project audit reads, says so; equals a full check', async () => {
    sim = await startSim({ scenario: 'incident' });
    const s = setup(ACME_HARDENED);
    await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    const saved = JSON.parse(readFileSync(s.stateFile, 'utf8')) as Snapshot;
    const web = saved.projects.find((p) => p.target.path === 'acme/web')!;
    expect(await api('PUT', `/projects/${web.target.id}`, sim.tokens.owner, { visibility: 'private' })).toBe(200);
    sim.resetCounts();
    const second = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain("because the token is not an admin's");
    expect(sim.counts()['GET /projects/:id/audit_events']).toBe(saved.projects.length);
    expect(second.result.findings.some((f) => f.rule === 'visibility.project' && f.target.path === 'acme/web')).toBe(false);
    const full = await check(s.baseline, sim.tokens.owner, []);
    expectSameResult(second.result, full.result);
  });

  it('a new project (listed with an id above the previous maximum) is read fully', async () => {
    sim = await startSim({ scenario: 'generate', projects: 120 });
    const s = setup(BENCH);
    const first = await check(s.baseline, sim.tokens.admin, ['--since-last', '--state-dir', s.stateDir]);
    const group = sim.state.groups.find((g) => g.full_path === 'bench/team-000')!;
    const p = addProject(sim.state, group, 'fresh', new Date().toISOString());
    const second = await check(s.baseline, sim.tokens.admin, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain('1 new');
    expect(second.result.summary.targets).toBe(first.result.summary.targets + 1);
    const full = await check(s.baseline, sim.tokens.admin, []);
    expectSameResult(second.result, full.result);
    expect(full.result.skipped.concat().length + full.result.findings.length).toBeGreaterThan(0);
    void p;
  });

  it('falls back to a full check when the last full pass is older than --full-every', async () => {
    sim = await startSim({ scenario: 'incident' });
    const s = setup(ACME_HARDENED);
    await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    const later = new Date(Date.now() + 25 * 3_600_000);
    sim.resetCounts();
    const run = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir], later);
    expect(run.stderr).toContain('older than --full-every');
    expect(sim.counts()['GET /projects/:id/audit_events']).toBeUndefined();
    const saved = JSON.parse(readFileSync(s.stateFile, 'utf8')) as Snapshot;
    expect(saved.fullPassAt).toBe(later.toISOString());
    // With a longer period the same run would have been incremental.
    const inc = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir, '--full-every', '7d'], later);
    expect(inc.stderr).toContain('incremental since');
  });

  it('falls back to a full check below Premium (no audit events) and says so', async () => {
    sim = await startSim({ scenario: 'incident', tier: 'free' });
    const s = setup(ACME_HARDENED);
    await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    const run = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(run.stderr).toContain('full check: audit events need Premium (detected free)');
  });

  it('a corrupt state file is reported and replaced by a full check; --from-state reads another file', async () => {
    sim = await startSim({ scenario: 'incident' });
    const s = setup(ACME_HARDENED);
    const snapFile = join(s.dir, 'snap.json');
    await check(s.baseline, sim.tokens.owner, ['--save-snapshot', snapFile]);
    const fromState = await check(s.baseline, sim.tokens.owner, ['--from-state', snapFile, '--state-dir', s.stateDir]);
    expect(fromState.stderr).toContain('incremental since');
    expect(existsSync(s.stateFile)).toBe(true);
    writeFileSync(s.stateFile, '{ not json');
    const run = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(run.stderr).toContain(`${s.stateFile}: not JSON`);
    expect(run.stderr).toContain('full check:');
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).schemaVersion).toBe(1);
    expect(run.all).not.toContain(sim.tokens.owner);
  });
});

// Gaps in GitLab's audit trail that --since-last must not trust (docs/gitlab-behaviour.md, "Audit events").
describe('check --since-last where audit events do not tell everything', () => {
  it("a Maintainer's token sees only its own group events (EE::API::Groups#filter_by_author): a full pass, said why", async () => {
    sim = await startSim({ scenario: 'incident' });
    const s = setup(ACME_HARDENED);
    await check(s.baseline, sim.tokens.maintainer, ['--since-last', '--state-dir', s.stateDir]);
    // Another user (the owner) changes a setting: only the owner's token would see the event in acme's list.
    expect(await api('PUT', '/groups/acme', sim.tokens.owner, { require_two_factor_authentication: true })).toBe(200);
    sim.resetCounts();
    const second = await check(s.baseline, sim.tokens.maintainer, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain(
      'full check: the token is not an Owner of acme and 2 other group(s): GitLab shows a Developer or Maintainer only the group audit events they authored, so changes by others would be missed',
    );
    expect(sim.counts()['GET /groups/:id/audit_events']).toBeUndefined();
    const full = await check(s.baseline, sim.tokens.maintainer, []);
    expectSameResult(second.result, full.result);
  });

  it('the job token scope changed through REST leaves no event (Projects::UpdateService) and is still seen', async () => {
    sim = await startSim({ scenario: 'incident' });
    const s = setup(ACME_HARDENED);
    const first = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    const before = sim.state.audit_events.length;
    expect(await api('PATCH', `/projects/${web.id}/job_token_scope`, sim.tokens.owner, { enabled: false })).toBe(204);
    expect(sim.state.audit_events.length).toBe(before);
    const second = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain('incremental since');
    const scope = (r: CheckResult) => r.findings.filter((f) => f.rule === 'ci.job-token-scope').map((f) => f.target.path);
    expect(scope(first.result)).not.toContain('acme/web');
    expect(scope(second.result)).toContain('acme/web');
  });

  it('a project moved into a target group keeps its id (project_namespace_updated): read fully; one moved out drops', async () => {
    sim = await startSim({ scenario: 'incident' });
    const alice = sim.state.users.find((u) => u.username === 'alice')!;
    const created = new Date(Date.now() - 86_400_000).toISOString();
    const legacy = addGroup(sim.state, 'legacy', null, created, [{ user_id: alice.id, access_level: 50 }]);
    const old = addProject(sim.state, legacy, 'old-app', created);
    old.visibility = 'public';
    // A newer project in acme, so the moved one's id is below every id the first run knew of.
    addProject(sim.state, sim.state.groups.find((g) => g.full_path === 'acme')!, 'newer', created);
    const s = setup(ACME_HARDENED);
    const first = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(first.result.findings.some((f) => f.target.id === old.id)).toBe(false);

    const move = (p: typeof old, to: typeof legacy) => {
      const from = p.path_with_namespace;
      p.namespace = { id: to.id, name: to.name, path: to.path, kind: 'group', full_path: to.full_path, parent_id: to.parent_id };
      p.path_with_namespace = `${to.full_path}/${p.path}`;
      // As Projects::TransferService logs it (Audit::ProjectChangesAuditor: change "namespace", old and new paths).
      sim!.state.audit_events.push(buildAuditEvent(sim!.state, {
        entity_type: 'Project', entity_id: p.id, entity_path: p.path_with_namespace, event_name: 'project_namespace_updated',
        change: 'namespace', from, to: p.path_with_namespace,
      }, { user: alice, ip: '198.51.100.20' }, new Date()));
    };
    move(old, sim.state.groups.find((g) => g.full_path === 'acme/platform')!);
    const docs = sim.state.projects.find((p) => p.path_with_namespace === 'acme/docs-site')!;
    move(docs, legacy);

    const second = await check(s.baseline, sim.tokens.owner, ['--since-last', '--state-dir', s.stateDir]);
    expect(second.stderr).toContain('incremental since');
    expect(second.stderr).toContain('1 new or moved in; 1 no longer in the target groups');
    expect(second.result.findings.some((f) => f.rule === 'visibility.project' && f.target.path === 'acme/platform/old-app')).toBe(true);
    expect(second.result.findings.some((f) => f.target.id === docs.id)).toBe(false);
    const full = await check(s.baseline, sim.tokens.owner, []);
    expectSameResult(second.result, full.result);
  });
});

describe('planChanges', () => {
  const prev = {
    groups: [{ target: { kind: 'group', path: 'acme', id: 1 } }, { target: { kind: 'group', path: 'acme/platform', id: 2 } }],
    projects: [
      { target: { kind: 'project', path: 'acme/web', id: 10 } },
      { target: { kind: 'project', path: 'acme/platform/infra', id: 11 } },
      { target: { kind: 'project', path: 'other/x', id: 12 } },
    ],
  } as unknown as Snapshot;
  const ev = (entity_type: GlAuditEvent['entity_type'], entity_id: number, event_name: string, details: Partial<GlAuditEvent['details']> = {}): GlAuditEvent => ({
    id: 1, author_id: 1, entity_id, entity_type, created_at: '2026-01-01T00:00:00Z', event_name, details: { event_name, ...details },
  });

  it('maps known events to reads, unknown ones to a full re-read, harmless ones to nothing', () => {
    const plan = planChanges(prev, [
      ev('Project', 10, 'protected_branch_allow_force_push_updated'),
      ev('Project', 10, 'ci_variable_updated'),
      ev('Project', 11, 'something_new_in_gitlab_19'),
      ev('Project', 12, 'repository_download_operation'),
    ]);
    expect(plan.projects.get(10)).toEqual(new Set(['protectedBranches', 'approvalRules', 'variables']));
    expect(plan.projects.get(11)).toBe('full');
    expect(plan.projects.has(12)).toBe(false);
    expect(plan.fullPass).toBeUndefined();
  });

  it('every push wording GitLab has used re-reads the protected branches (the event name decides, not the wording)', () => {
    // Audit::ProtectedBranchesChangesAuditor: "allowed to push"; current GitLab: "allowed to push and merge".
    for (const change of ['allowed to push', 'allowed to push and merge']) {
      const plan = planChanges(prev, [ev('Project', 10, 'protected_branch_updated', { change, from: '["Maintainers"]', to: '["Developers + Maintainers"]' })]);
      expect(plan.projects.get(10)).toEqual(new Set(['protectedBranches', 'approvalRules']));
    }
  });

  it('a transfer (project_namespace_updated) re-reads the project fully', () => {
    const plan = planChanges(prev, [ev('Project', 10, 'project_namespace_updated', { change: 'namespace', from: 'other/web', to: 'acme/web' })]);
    expect(plan.projects.get(10)).toBe('full');
  });

  it('a group approval setting cascades to the projects below that group only', () => {
    const plan = planChanges(prev, [ev('Group', 2, 'allow_author_approval_updated')]);
    expect(plan.groups.get(2)).toEqual(new Set(['mrApprovalSetting']));
    expect([...plan.projects.keys()]).toEqual([11]);
    expect(plan.projects.get(11)).toEqual(new Set(['approvals', 'mrApprovalSetting']));
  });

  it('deletion marks the project gone; an instance approval lock forces a full pass', () => {
    const plan = planChanges(prev, [
      ev('Project', 10, 'project_destroyed'),
      ev('Gitlab::Audit::InstanceScope', 0, 'application_setting_updated', { change: 'prevent_merge_requests_author_approval' }),
    ]);
    expect(plan.gone).toEqual(new Set([10]));
    expect(plan.fullPass).toContain('prevent_merge_requests_author_approval');
  });
});
