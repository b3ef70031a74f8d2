// The dynamic provider's methods called directly, as the Pulumi engine would, against the simulator.
import { describe, expect, it } from 'vitest';
import { newEvents, providerSuite } from '../helpers/pulumi-provider';

const suite = providerSuite({ scenario: 'incident' });
const { of, keep, group, project } = suite;

const GROUP_INPUTS = {
  group: 'acme',
  require_two_factor_authentication: true,
  two_factor_grace_period: 8,
  visibility: 'private',
  unique_project_download_limit: 100,
  unique_project_download_limit_interval_in_seconds: 3600,
  auto_ban_user_on_excessive_projects_download: true,
  version: '1',
};

describe('GroupSecurity', () => {
  let outs: Record<string, unknown>;
  let id: string;

  it('create adopts the group and writes only the weakened declared fields, once the project in it is private', async () => {
    // The incident opened acme to make acme/web public. GitLab refuses a private group above a public project
    // (gitlab-api.md §3.3), so a create before the project's is refused whole: one PUT carries every field.
    const untouched = structuredClone(group('acme'));
    const refused = await of('GroupSecurity').create(GROUP_INPUTS).then(() => null, (e: Error) => e);
    keep(String(refused));
    expect(refused?.message).toMatch(/^GroupSecurity acme: PUT \/groups\/\d+ -> 400: visibility_level private is not allowed/);
    expect(group('acme')).toEqual(untouched);
    // The program's order (program.ts "Apply order"): the project's ProjectSecurity first, then the group's.
    keep(await of('ProjectSecurity').create({ project: 'acme/web', visibility: 'private' }));
    expect(project('acme/web').visibility).toBe('private');

    const before = structuredClone(group('acme'));
    const events = suite.sim.state.audit_events.length;
    const res = keep(await of('GroupSecurity').create(GROUP_INPUTS));
    id = res.id;
    outs = res.outs;
    expect(id).toBe(`group:${before.id}`);
    // 2FA, visibility and the Git abuse limit were weakened by the incident; the grace period (8) was not.
    expect(group('acme')).toEqual({ ...before, require_two_factor_authentication: true, visibility: 'private', unique_project_download_limit: 100 });
    // GitLab records no event for Git abuse limits (gitlab-api.md §4): 2FA and visibility have one each.
    expect(newEvents(suite.sim, events).sort()).toEqual([['group_require_two_factor_authentication_updated', 'acme'], ['group_visibility_level_updated', 'acme']]);
    expect(outs).toMatchObject({ group: 'acme', group_id: before.id, require_two_factor_authentication: true, two_factor_grace_period: 8, visibility: 'private', unique_project_download_limit: 100 });
  });

  it('a stricter live value is not drift, and a looser declaration does not loosen GitLab', async () => {
    group('acme').two_factor_grace_period = 2;
    const { props } = keep(await of('GroupSecurity').read!(id, outs));
    expect(props!.two_factor_grace_period).toBe(2);
    expect(await of('GroupSecurity').diff!(id, props!, GROUP_INPUTS)).toMatchObject({ changes: false });
    expect(await of('GroupSecurity').diff!(id, props!, { ...GROUP_INPUTS, two_factor_grace_period: 48 })).toMatchObject({ changes: false });
    outs = props!;
  });

  it('read reports drift injected into GitLab and update fixes it', async () => {
    group('acme').require_two_factor_authentication = false;
    group('acme').two_factor_grace_period = 72;
    const { props } = keep(await of('GroupSecurity').read!(id, outs));
    expect(props).toMatchObject({ require_two_factor_authentication: false, two_factor_grace_period: 72 });
    const d = await of('GroupSecurity').diff!(id, props!, GROUP_INPUTS);
    expect(d).toMatchObject({ changes: true, fields: ['require_two_factor_authentication', 'two_factor_grace_period'] });
    const events = suite.sim.state.audit_events.length;
    const { outs: after } = keep(await of('GroupSecurity').update!(id, props!, GROUP_INPUTS));
    expect(after).toMatchObject({ require_two_factor_authentication: true, two_factor_grace_period: 8, visibility: 'private' });
    expect(group('acme')).toMatchObject({ require_two_factor_authentication: true, two_factor_grace_period: 8 });
    expect(newEvents(suite.sim, events).map((e) => e[0]).sort()).toEqual(['group_require_two_factor_authentication_updated', 'group_two_factor_grace_period_updated']);
    outs = after!;
  });

  it("GitLab's refusal is an error naming the resource, method and endpoint", async () => {
    // The attacker opens acme and acme/web again: GitLab refuses a private group above a public project.
    group('acme').visibility = 'public';
    project('acme/web').visibility = 'public';
    const { props } = await of('GroupSecurity').read!(id, outs);
    const err = await of('GroupSecurity').update!(id, props!, GROUP_INPUTS).then(() => null, (e: Error) => e);
    keep(String(err));
    expect(err?.message).toMatch(/^GroupSecurity acme: PUT \/groups\/\d+ -> 400: visibility_level private is not allowed/);
    expect(group('acme').visibility).toBe('public');
    project('acme/web').visibility = 'private';
    group('acme').visibility = 'private';
  });

  it('a changed version input is a change (so state picks up the new provider)', async () => {
    const { props } = await of('GroupSecurity').read!(id, outs);
    expect(await of('GroupSecurity').diff!(id, props!, { ...GROUP_INPUTS, version: '2' })).toMatchObject({ changes: true });
  });

  it('delete changes nothing in GitLab', async () => {
    const before = structuredClone(suite.sim.state.groups);
    suite.sim.resetCounts();
    await of('GroupSecurity').delete!(id, outs);
    expect(suite.sim.totalRequests()).toBe(0);
    expect(suite.sim.state.groups).toEqual(before);
  });

  it('check refuses a token input and bad values, without contacting GitLab', async () => {
    suite.sim.resetCounts();
    const res = keep(await of('GroupSecurity').check!({}, { group: 'acme', token: 'glpat-x', visibility: 'secret', two_factor_grace_period: -1 }));
    expect(res.failures!.map((f) => f.property).sort()).toEqual(['token', 'two_factor_grace_period', 'visibility']);
    expect(suite.sim.totalRequests()).toBe(0);
  });

  it('a group that cannot be read is an error, not an empty state', async () => {
    await expect(of('GroupSecurity').read!('group:0', { group: 'nope' })).rejects.toThrow(/404/);
  });
});

describe('ProtectedBranch', () => {
  const inputs = { project: 'acme/web', name: 'main', push_access_level: 40, merge_access_level: 40, allow_force_push: false, code_owner_approval_required: true, version: '1' };

  it('create PATCHes the existing protection in place (no unprotect / re-protect)', async () => {
    const main = project('acme/web').protected_branches.find((b) => b.name === 'main')!;
    const idBefore = main.id;
    expect(main.allow_force_push).toBe(true);
    const events = suite.sim.state.audit_events.length;
    const { id, outs } = keep(await of('ProtectedBranch').create(inputs));
    const after = project('acme/web').protected_branches.find((b) => b.name === 'main')!;
    expect(after.id).toBe(idBefore);
    expect(after.allow_force_push).toBe(false);
    expect(after.push_access_levels.map((e) => e.access_level)).toEqual([40]);
    const names = newEvents(suite.sim, events).map((e) => e[0]);
    expect(names).not.toContain('protected_branch_removed');
    expect(names).not.toContain('protected_branch_created');
    expect(names.length).toBeGreaterThan(0);
    expect(outs).toMatchObject({ project: 'acme/web', name: 'main', protected: true, allow_force_push: false, protected_branch_id: idBefore });
    expect(await of('ProtectedBranch').diff!(id, outs!, inputs)).toMatchObject({ changes: false });
  });

  it('a missing protection is created with the declared levels', async () => {
    const scratch = project('acme/sandbox/scratch');
    expect(scratch.protected_branches.some((b) => b.name === 'release/*')).toBe(false);
    const { outs } = keep(await of('ProtectedBranch').create({ ...inputs, project: 'acme/sandbox/scratch', name: 'release/*' }));
    const b = project('acme/sandbox/scratch').protected_branches.find((x) => x.name === 'release/*')!;
    expect(b.push_access_levels.map((e) => e.access_level)).toEqual([40]);
    expect(b.merge_access_levels.map((e) => e.access_level)).toEqual([40]);
    expect(b.allow_force_push).toBe(false);
    expect(outs).toMatchObject({ protected: true, code_owner_approval_required: true });
  });

  it('a stricter push level (No one) is not drift', async () => {
    const outs = { project: 'acme/web', project_id: 1, default_branch: 'main', name: 'main', protected: true, protected_branch_id: 5, allow_force_push: false,
      push_access_levels: [{ id: 1, access_level: 0 }], merge_access_levels: [{ id: 2, access_level: 40 }], code_owner_approval_required: true, version: '1' };
    expect(await of('ProtectedBranch').diff!('x', outs, inputs)).toMatchObject({ changes: false });
    expect(await of('ProtectedBranch').diff!('x', { ...outs, push_access_levels: [{ id: 1, access_level: 30 }] }, inputs)).toMatchObject({ changes: true, fields: ['push_access_level'] });
  });
});

describe('ProjectSecurity, ApprovalRule, Webhook, VariableProtection', () => {
  it('ProjectSecurity adopts: visibility, public jobs, author approval back to the declared values', async () => {
    const inputs = { project: 'acme/api', visibility: 'private', public_jobs: false, ci_inbound_job_token_scope_enabled: true, merge_requests_author_approval: false, reset_approvals_on_push: true };
    const before = structuredClone(project('acme/api'));
    const { outs } = keep(await of('ProjectSecurity').create(inputs));
    expect(project('acme/api').approvals.merge_requests_author_approval).toBe(false);
    expect(outs).toMatchObject({ project: 'acme/api', merge_requests_author_approval: false, ci_inbound_job_token_scope_enabled: true, visibility: 'private' });
    // Nothing else about the project moved.
    expect({ ...project('acme/api'), approvals: before.approvals }).toEqual(before);

    // The incident's order: the group open first, then the project in it (gitlab-api.md §3.3).
    group('acme').visibility = 'public';
    project('acme/web').visibility = 'public';
    const web = keep(await of('ProjectSecurity').create({ project: 'acme/web', visibility: 'private' }));
    expect(project('acme/web').visibility).toBe('private');
    expect(web.outs).toMatchObject({ visibility: 'private' });
    // A project resource never touches its group.
    expect(group('acme').visibility).toBe('public');
    group('acme').visibility = 'private';
  });

  it('ApprovalRule raises the covering rule in place', async () => {
    const rule = project('acme/api').approval_rules[0]!;
    expect(rule.approvals_required).toBe(0);
    const { outs } = keep(await of('ApprovalRule').create({ project: 'acme/api', approvals_required: 2 }));
    expect(project('acme/api').approval_rules.map((r) => [r.id, r.approvals_required])).toEqual([[rule.id, 2]]);
    expect(await of('ApprovalRule').diff!('x', outs!, { project: 'acme/api', approvals_required: 1 })).toMatchObject({ changes: false });
  });

  it('Webhook: a declared hook keeps its URL; disabled TLS verification is drift that update fixes', async () => {
    const url = 'https://hooks.acme.example/web';
    const { id, outs } = keep(await of('Webhook').create({ project: 'acme/web', url, enable_ssl_verification: true }));
    const hook = project('acme/web').hooks.find((h) => h.url === url)!;
    expect(outs).toMatchObject({ exists: true, hook_id: hook.id, enable_ssl_verification: true });
    hook.enable_ssl_verification = false;
    const { props } = keep(await of('Webhook').read!(id, outs));
    expect(await of('Webhook').diff!(id, props!, { project: 'acme/web', url, enable_ssl_verification: true })).toMatchObject({ changes: true });
    keep(await of('Webhook').update!(id, props!, { project: 'acme/web', url, enable_ssl_verification: true }));
    expect(project('acme/web').hooks.find((h) => h.id === hook.id)).toMatchObject({ url, enable_ssl_verification: true });
    // The attacker's hook on acme/api is not declared anywhere here and nothing deleted it.
    expect(project('acme/api').hooks.some((h) => h.url === 'http://exfil.attacker.example/hook')).toBe(true);
  });

  it('VariableProtection sets masked/protected and never reads the value into outputs', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { outs } = keep(await of('VariableProtection').create({ project: 'acme/platform/deploy', key: 'AWS_SECRET_ACCESS_KEY', masked: true, protected: true }));
    const v = project('acme/platform/deploy').variables.find((x) => x.key === 'AWS_SECRET_ACCESS_KEY')!;
    expect([v.masked, v.protected, v.value]).toEqual([true, true, secret]);
    expect(outs).toMatchObject({ key: 'AWS_SECRET_ACCESS_KEY', environment_scope: '*', masked: true, protected: true, exists: true });
    expect(JSON.stringify(outs)).not.toContain(secret);
    await expect(of('VariableProtection').create({ project: 'acme/web', key: 'NOPE_TOKEN', masked: true })).rejects.toThrow(/no variable NOPE_TOKEN .*create the variable in GitLab first/);
  });
});

describe('coverage settings through the provider (forking, merge checks, creation levels, default branch protection)', () => {
  it('ProjectSecurity writes forking_access_level and the merge checks GitLab accepts, and reads them back', async () => {
    const p = project('acme/docs-site');
    p.forking_access_level = 'enabled';
    p.only_allow_merge_if_pipeline_succeeds = false;
    const inputs = { project: 'acme/docs-site', forking_access_level: 'private', only_allow_merge_if_pipeline_succeeds: true, only_allow_merge_if_all_discussions_are_resolved: true, version: '1' };
    const res = keep(await of('ProjectSecurity').create(inputs));
    expect(p).toMatchObject({ forking_access_level: 'private', only_allow_merge_if_pipeline_succeeds: true, only_allow_merge_if_all_discussions_are_resolved: true });
    expect(res.outs).toMatchObject({ forking_access_level: 'private', only_allow_merge_if_pipeline_succeeds: true });
    // Stricter live (forking disabled) is not drift.
    p.forking_access_level = 'disabled';
    const { props } = keep(await of('ProjectSecurity').read!(res.id, res.outs));
    expect(await of('ProjectSecurity').diff!(res.id, props!, inputs)).toMatchObject({ changes: false });
  });

  it('GroupSecurity writes creation levels and default branch protection on a subgroup', async () => {
    const g = group('acme/sandbox');
    g.project_creation_level = 'developer';
    g.default_branch_protection_defaults = { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 30 }], allow_force_push: true };
    const dbp = { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false };
    const inputs = { group: 'acme/sandbox', project_creation_level: 'maintainer', subgroup_creation_level: 'owner', default_branch_protection_defaults: dbp, version: '1' };
    const res = keep(await of('GroupSecurity').create(inputs));
    expect(g.project_creation_level).toBe('maintainer');
    expect(g.default_branch_protection_defaults).toEqual(dbp);
    expect(res.outs).toMatchObject({ project_creation_level: 'maintainer', default_branch_protection_defaults: dbp });
  });
});
