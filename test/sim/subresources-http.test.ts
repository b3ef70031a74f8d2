// Conformance of the subresource routes over HTTP, driven by @gitbeaker/rest itself: shapes, status codes,
// 204 empty bodies, error bodies, role and tier gates, and the audit events the writes leave behind.
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlApprovalRule, GlProtectedBranch } from '../../gitlab/types';
import { startSim, type RunningSim } from '../../sim/server';

/** gitbeaker's schema types are loose; read responses as the documented GitLab shapes. */
const asBranch = (x: unknown) => x as GlProtectedBranch;

type Client = InstanceType<typeof Gitlab>;

/** Status and GitLab's error text of a failed gitbeaker call (gitbeaker keeps `error`/`message` as description). */
async function failure(p: Promise<unknown>): Promise<{ status: number; description: string }> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: { response?: Response; description?: string } }).cause;
    return { status: cause?.response?.status ?? -1, description: cause?.description ?? '' };
  }
  throw new Error('expected the request to fail');
}

async function raw(sim: RunningSim, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

function eventsNamed(sim: RunningSim, name: string) {
  return sim.state.audit_events.filter((e) => e.event_name === name);
}

describe('subresources over HTTP (hardened, Ultimate EE)', () => {
  let sim: RunningSim;
  let maint: Client;
  let owner: Client;
  let dev: Client;

  beforeAll(async () => {
    sim = await startSim({ scenario: 'hardened' });
    maint = new Gitlab({ host: sim.url, token: sim.tokens.maintainer });
    owner = new Gitlab({ host: sim.url, token: sim.tokens.owner });
    dev = new Gitlab({ host: sim.url, token: sim.tokens.developer });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('protected branches: create (form params), 409 body, additive PATCH with _destroy, 204 delete', async () => {
    const created = await maint.ProtectedBranches.create('acme/web', 'release/*', {
      pushAccessLevel: 40,
      mergeAccessLevel: 30,
      allowedToPush: [{ accessLevel: 0 }],
      showExpanded: true,
    });
    expect(created.status).toBe(201);
    const b = asBranch(created.data);
    expect(b.name).toBe('release/*');
    expect(b.push_access_levels.map((e) => e.access_level_description)).toEqual(['Maintainers', 'No one']);
    expect(b.merge_access_levels.map((e) => e.access_level)).toEqual([30]);
    expect(Object.keys(b.push_access_levels[0]!).sort()).toEqual(['access_level', 'access_level_description', 'deploy_key_id', 'group_id', 'id', 'user_id']);

    expect(await failure(maint.ProtectedBranches.create('acme/web', 'release/*'))).toEqual({ status: 409, description: "Protected branch 'release/*' already exists" });

    const noOne = b.push_access_levels[1]!.id;
    const keep = b.push_access_levels[0]!.id;
    const edited = asBranch(
      await maint.ProtectedBranches.edit('acme/web', 'release/*', {
        allowedToPush: [{ id: noOne, _destroy: true } as never],
        allowedToMerge: [{ id: b.merge_access_levels[0]!.id, accessLevel: 40 }, { accessLevel: 0 } as never],
        allowForcePush: false,
      }),
    );
    expect(edited.push_access_levels.map((e) => e.id)).toEqual([keep]);
    expect(edited.merge_access_levels.map((e) => e.access_level_description)).toEqual(['Maintainers', 'No one']);

    const dup = await failure(maint.ProtectedBranches.edit('acme/web', 'release/*', { allowedToPush: [{ accessLevel: 40 } as never] }));
    expect(dup).toEqual({ status: 422, description: JSON.stringify(['Push access levels access level has already been taken']) });

    const shown = await maint.ProtectedBranches.show('acme/web', 'release/*');
    expect(shown.id).toBe(b.id);
    const list = await maint.ProtectedBranches.all('acme/web', { search: 'release' });
    expect(list.map((x) => x.name)).toEqual(['release/*']);

    const removed = await maint.ProtectedBranches.remove('acme/web', 'release/*', { showExpanded: true });
    expect(removed.status).toBe(204);
    expect(await failure(maint.ProtectedBranches.show('acme/web', 'release/*'))).toEqual({ status: 404, description: '404 Not found' });

    expect(eventsNamed(sim, 'protected_branch_created').at(-1)?.details.target_details).toBe('release/*');
    const updated = eventsNamed(sim, 'protected_branch_updated').map((e) => [e.details.change, e.details.from, e.details.to]);
    expect(updated).toEqual([
      ['allowed to push', ['Maintainers', 'No one'], ['Maintainers']],
      ['allowed to merge', ['Developers + Maintainers'], ['Maintainers', 'No one']],
    ]);
    expect(eventsNamed(sim, 'protected_branch_removed').map((e) => e.details.target_details)).toEqual(['release/*']);
  });

  it('force push PATCH is audited with from/to; a Developer gets 403 on reads', async () => {
    await maint.ProtectedBranches.edit('acme/web', 'main', { allowForcePush: true });
    const e = eventsNamed(sim, 'protected_branch_allow_force_push_updated').at(-1)!;
    expect([e.details.change, e.details.from, e.details.to, e.details.author_name]).toEqual(['allow force push', false, true, 'Bob Maintainer']);
    await maint.ProtectedBranches.edit('acme/web', 'main', { allowForcePush: false });
    expect(await failure(dev.ProtectedBranches.all('acme/web'))).toEqual({ status: 403, description: '403 Forbidden' });
    expect(await failure(dev.ProjectHooks.all('acme/web'))).toEqual({ status: 403, description: '403 Forbidden' });
    expect(await failure(dev.ProjectVariables.all('acme/web'))).toEqual({ status: 403, description: '403 Forbidden' });
    expect(await failure(dev.ProjectJobTokenScopes.show('acme/web'))).toEqual({ status: 403, description: '403 Forbidden' });
  });

  it('approvals: POST 201 drops a group-locked flag silently and keeps the old value', async () => {
    const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
    acme.approval_locks.merge_requests_author_approval = true;
    try {
      const before = sim.state.audit_events.length;
      const res = await maint.MergeRequestApprovals.editConfiguration('acme/api', { mergeRequestsAuthorApproval: true, showExpanded: true });
      expect(res.status).toBe(201);
      expect(res.data.merge_requests_author_approval).toBe(false);
      expect((await maint.MergeRequestApprovals.showConfiguration('acme/api')).merge_requests_author_approval).toBe(false);
      expect(sim.state.audit_events.length).toBe(before);
    } finally {
      acme.approval_locks = {};
    }
    const res = await maint.MergeRequestApprovals.editConfiguration('acme/api', { mergeRequestsAuthorApproval: true });
    expect(res.merge_requests_author_approval).toBe(true);
    const e = eventsNamed(sim, 'project_merge_requests_author_approval_updated').at(-1)!;
    expect([e.details.change, e.details.from, e.details.to]).toEqual(['prevent merge request approval from authors', true, false]);
  });

  it('approval rules: full entity, PUT quirk, branch deletion leaves the rule covering all branches', async () => {
    const api = sim.state.projects.find((p) => p.path_with_namespace === 'acme/api')!;
    const release = api.protected_branches.find((b) => b.name === 'release/*')!;
    const rule = (await maint.MergeRequestApprovals.createApprovalRule('acme/api', 'Release', 2, {
      protectedBranchIds: [release.id],
      usernames: ['bob'],
      appliesToAllProtectedBranches: false,
    })) as unknown as GlApprovalRule;
    expect(rule).toMatchObject({ name: 'Release', approvals_required: 2, rule_type: 'regular', applies_to_all_protected_branches: false });
    expect(rule.protected_branches!.map((b) => b.name)).toEqual(['release/*']);
    expect((rule.eligible_approvers as { username: string }[]).map((u) => u.username)).toEqual(['bob']);

    await maint.ProtectedBranches.remove('acme/api', 'release/*');
    const after = await maint.MergeRequestApprovals.showApprovalRule('acme/api', rule.id);
    expect(after.protected_branches).toEqual([]);

    // With approvers: a rule without any would be the project's second any_approver rule (refused, 400).
    const all = await maint.MergeRequestApprovals.createApprovalRule('acme/api', 'Protected', 1, { appliesToAllProtectedBranches: true, usernames: ['bob'] });
    const put = await maint.MergeRequestApprovals.editApprovalRule('acme/api', all.id, 'Protected', 3);
    expect([put.approvals_required, put.applies_to_all_protected_branches]).toEqual([3, false]);
    expect(eventsNamed(sim, 'update_approval_rules').at(-1)?.details).toMatchObject({ change: 'number of required approvals', from: 1, to: 3 });
    const del = await maint.MergeRequestApprovals.removeApprovalRule('acme/api', all.id, { showExpanded: true });
    expect(del.status).toBe(204);
    expect(eventsNamed(sim, 'approval_rule_deleted').map((e) => e.details.target_details)).toEqual(['Protected']);
  });

  it('merge_request_approval_setting: wrapped values with lock origin; PUT plain booleans -> 200', async () => {
    const res = await raw(sim, sim.tokens.maintainer, 'PUT', '/projects/acme%2Fweb/merge_request_approval_setting', { retain_approvals_on_push: true });
    expect(res.status).toBe(200);
    expect((res.json as Record<string, unknown>).retain_approvals_on_push).toEqual({ value: true, locked: false, inherited_from: null });
    sim.state.application_settings.prevent_merge_requests_author_approval = true;
    try {
      const got = await raw(sim, sim.tokens.owner, 'GET', '/groups/acme/merge_request_approval_setting');
      expect((got.json as Record<string, unknown>).allow_author_approval).toEqual({ value: false, locked: true, inherited_from: 'instance' });
    } finally {
      sim.state.application_settings.prevent_merge_requests_author_approval = false;
    }
    expect((await raw(sim, sim.tokens.maintainer, 'GET', '/groups/acme/merge_request_approval_setting')).status).toBe(403);
    await raw(sim, sim.tokens.maintainer, 'PUT', '/projects/acme%2Fweb/merge_request_approval_setting', { retain_approvals_on_push: false });
  });

  it('hooks: token never returned, url change drops it, edits not audited, DELETE 204 with an empty body', async () => {
    const before = (await maint.ProjectHooks.all('acme/web')).length;
    const hook = await maint.ProjectHooks.add('acme/web', 'https://hooks.acme.example/new', { token: 'hook-secret-1', pushEvents: true, enableSslVerification: true });
    expect(JSON.stringify(hook)).not.toContain('hook-secret-1');
    expect(hook).toMatchObject({ url: 'https://hooks.acme.example/new', enable_ssl_verification: true, alert_status: 'executable', url_variables: [], custom_headers: [] });
    const listed = await maint.ProjectHooks.all('acme/web');
    expect(listed).toHaveLength(before + 1);
    expect(JSON.stringify(listed)).not.toMatch(/whsec-|hook-secret-1/);

    await maint.ProjectHooks.edit('acme/web', hook.id, 'https://hooks.acme.example/moved', { enableSslVerification: false });
    const stored = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.hooks.find((h) => h.id === hook.id)!;
    expect([stored.url, stored.token, stored.enable_ssl_verification]).toEqual(['https://hooks.acme.example/moved', undefined, false]);

    const del = await raw(sim, sim.tokens.maintainer, 'DELETE', `/projects/acme%2Fweb/hooks/${hook.id}`);
    expect([del.status, del.text]).toEqual([204, '']);
    const hookEvents = sim.state.audit_events.filter((e) => e.event_name?.startsWith('webhook_') && e.details.target_details === `Hook ${hook.id}`);
    expect(hookEvents.map((e) => e.event_name)).toEqual(['webhook_created', 'webhook_destroyed']);
  });

  it('group hooks need Owner', async () => {
    expect(await failure(maint.GroupHooks.all('acme'))).toEqual({ status: 403, description: '403 Forbidden' });
    const h = await owner.GroupHooks.add('acme', 'https://hooks.acme.example/group', { subgroupEvents: true } as never);
    expect(h).toMatchObject({ group_id: sim.state.groups.find((g) => g.full_path === 'acme')!.id, subgroup_events: true });
    await owner.GroupHooks.remove('acme', h.id);
  });

  it('variables: hidden value null, scope filter, duplicate and multi-scope errors, audited updates', async () => {
    const v = await maint.ProjectVariables.create('acme/web', 'SIGNING_KEY', 'c2lnbmluZy1rZXk', { masked_and_hidden: true, protected: true } as never);
    expect(v).toMatchObject({ key: 'SIGNING_KEY', value: null, hidden: true, masked: true, protected: true, environment_scope: '*' });
    expect((await maint.ProjectVariables.show('acme/web', 'SIGNING_KEY')).value).toBeNull();

    await maint.ProjectVariables.create('acme/web', 'SCOPED', 'a', { environmentScope: 'production' });
    await maint.ProjectVariables.create('acme/web', 'SCOPED', 'b', { environmentScope: 'staging' });
    const multi = await failure(maint.ProjectVariables.show('acme/web', 'SCOPED'));
    expect(multi).toEqual({ status: 409, description: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'" });
    const staging = await maint.ProjectVariables.show('acme/web', 'SCOPED', { filter: { environment_scope: 'staging' } } as never);
    expect(staging.value).toBe('b');
    const dup = await failure(maint.ProjectVariables.create('acme/web', 'SCOPED', 'c', { environmentScope: 'staging' }));
    expect(dup).toEqual({ status: 400, description: JSON.stringify({ key: ['(SCOPED) has already been taken'] }) });

    await maint.ProjectVariables.edit('acme/web', 'NODE_ENV', 'production', { protected: true } as never);
    const upd = eventsNamed(sim, 'ci_variable_updated').at(-1)!;
    expect([upd.details.target_details, upd.details.change, upd.details.from, upd.details.to]).toEqual(['NODE_ENV', 'variable protection', false, true]);

    const del = await raw(sim, sim.tokens.maintainer, 'DELETE', '/projects/acme%2Fweb/variables/SCOPED?filter[environment_scope]=production');
    expect([del.status, del.text]).toEqual([204, '']);
    expect((await maint.ProjectVariables.show('acme/web', 'SCOPED')).environment_scope).toBe('staging');
    expect(eventsNamed(sim, 'ci_variable_deleted').map((e) => e.details.target_details)).toEqual(['SCOPED']);
    expect(await failure(maint.GroupVariables.all('acme'))).toEqual({ status: 403, description: '403 Forbidden' });
    expect((await owner.GroupVariables.all('acme'))).toEqual([]);
  });

  it('job token scope: PATCH 204 empty; allowlists POST 201 / DELETE 204; events recorded', async () => {
    expect(await maint.ProjectJobTokenScopes.show('acme/web')).toEqual({ inbound_enabled: true, outbound_enabled: false });
    const patched = await raw(sim, sim.tokens.maintainer, 'PATCH', '/projects/acme%2Fweb/job_token_scope', { enabled: false });
    expect([patched.status, patched.text]).toEqual([204, '']);
    await maint.ProjectJobTokenScopes.edit('acme/web', true);
    // Not audited through REST (Projects::UpdateService); only the GraphQL mutation logs secure_ci_job_token_inbound_*.
    expect(eventsNamed(sim, 'secure_ci_job_token_inbound_disabled')).toHaveLength(0);
    expect(eventsNamed(sim, 'secure_ci_job_token_inbound_enabled')).toHaveLength(0);

    const api = sim.state.projects.find((p) => p.path_with_namespace === 'acme/api')!;
    const added = await maint.ProjectJobTokenScopes.addToInboundAllowList('acme/web', api.id, { showExpanded: true });
    expect(added.status).toBe(201);
    expect(added.data).toMatchObject({ target_project_id: api.id });
    expect((await maint.ProjectJobTokenScopes.showInboundAllowList('acme/web')).map((p) => p.id)).toEqual([api.id]);
    const removed = await raw(sim, sim.tokens.maintainer, 'DELETE', `/projects/acme%2Fweb/job_token_scope/allowlist/${api.id}`);
    expect([removed.status, removed.text]).toEqual([204, '']);
    expect(eventsNamed(sim, 'secure_ci_job_token_project_added').map((e) => e.details.target_details)).toEqual(['acme/api']);
    expect(eventsNamed(sim, 'secure_ci_job_token_project_removed').map((e) => e.details.target_details)).toEqual(['acme/api']);
  });
});

describe('tier and edition gates over HTTP', () => {
  it('Free EE: approval rules and group hooks 403; user entries 422; role entries apply', async () => {
    const sim = await startSim({ scenario: 'hardened', tier: 'free' });
    try {
      const owner = new Gitlab({ host: sim.url, token: sim.tokens.owner });
      expect(await failure(owner.MergeRequestApprovals.allApprovalRules('acme/web'))).toEqual({ status: 403, description: '403 Forbidden' });
      expect(await failure(owner.GroupHooks.all('acme'))).toEqual({ status: 403, description: '403 Forbidden' });
      const bad = await failure(owner.ProtectedBranches.edit('acme/web', 'main', { allowedToPush: [{ user_id: 1 }] } as never));
      expect(bad).toEqual({ status: 422, description: JSON.stringify(['Push access levels user must be blank']) });
      const ok = asBranch(await owner.ProtectedBranches.edit('acme/web', 'main', { allowedToMerge: [{ access_level: 30 }], codeOwnerApprovalRequired: true } as never));
      expect(ok.merge_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
      expect(ok.code_owner_approval_required).toBe(true); // seeded true; the write itself is ignored below Premium
      const flipped = asBranch(await owner.ProtectedBranches.edit('acme/web', 'main', { codeOwnerApprovalRequired: false } as never));
      expect(flipped.code_owner_approval_required).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('CE: EE routes are unknown (404 route body); PATCH keeps levels, entries lack EE keys', async () => {
    const sim = await startSim({ scenario: 'hardened', edition: 'ce' });
    try {
      const r1 = await raw(sim, sim.tokens.owner, 'GET', '/projects/acme%2Fweb/approvals');
      expect([r1.status, r1.json]).toEqual([404, { error: '404 Not Found' }]);
      const r2 = await raw(sim, sim.tokens.owner, 'GET', '/groups/acme/hooks');
      expect([r2.status, r2.json]).toEqual([404, { error: '404 Not Found' }]);
      const owner = new Gitlab({ host: sim.url, token: sim.tokens.owner });
      const b = asBranch(await owner.ProtectedBranches.edit('acme/web', 'main', { allowedToPush: [{ access_level: 30 }], allowForcePush: true } as never));
      expect(b.allow_force_push).toBe(true);
      expect(b.push_access_levels).toEqual([{ id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', deploy_key_id: null }]);
    } finally {
      await sim.close();
    }
  });
});
