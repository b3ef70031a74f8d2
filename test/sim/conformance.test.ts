// Drives the sim's core routes with @gitbeaker/rest itself, so the sim answers what a real client expects.
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim';
import { raw, withSim } from './helpers';
import type { GlApprovalRule } from '../../gitlab/types';
import { isInvalidRule } from '../../policies/mr-approvals';
import { findPythonGitlab, runPythonGitlab } from '../helpers/python-gitlab';

let sim: RunningSim;
const api = (token: string) => new Gitlab({ host: sim.url, token });

beforeAll(async () => {
  sim = await withSim({ scenario: 'incident' });
});
afterAll(async () => {
  await sim.close();
});

describe('groups', () => {
  it('Groups.show returns the documented security keys, Git-abuse keys for the owner of a top-level group', async () => {
    const g = (await api(sim.tokens.owner).Groups.show('acme')) as unknown as Record<string, unknown>;
    expect(g).toMatchObject({
      full_path: 'acme',
      parent_id: null,
      visibility: 'public',
      require_two_factor_authentication: false,
      two_factor_grace_period: 8,
      share_with_group_lock: false,
      membership_lock: false,
      prevent_forking_outside_group: true,
      prevent_sharing_groups_outside_hierarchy: true,
      project_creation_level: 'maintainer',
      default_branch_protection: 2,
      unique_project_download_limit: 0,
      unique_project_download_limit_interval_in_seconds: 3600,
      unique_project_download_limit_allowlist: [],
      unique_project_download_limit_alertlist: [],
      auto_ban_user_on_excessive_projects_download: true,
      ip_restriction_ranges: null,
    });
    expect((g.projects as { path_with_namespace: string }[]).map((p) => p.path_with_namespace).sort()).toEqual(['acme/api', 'acme/docs-site', 'acme/web']);
  });

  it('subgroups have no top-level-only keys', async () => {
    const g = (await api(sim.tokens.owner).Groups.show('acme/platform')) as unknown as Record<string, unknown>;
    expect(g.full_path).toBe('acme/platform');
    expect('prevent_sharing_groups_outside_hierarchy' in g).toBe(false);
    expect('unique_project_download_limit' in g).toBe(false);
  });

  it('Groups.allSubgroups and allDescendantGroups', async () => {
    const sub = await api(sim.tokens.owner).Groups.allSubgroups('acme');
    expect(sub.map((g) => g.full_path)).toEqual(['acme/platform', 'acme/sandbox']);
    const desc = await api(sim.tokens.owner).Groups.allDescendantGroups('acme', {});
    expect(desc.map((g) => g.full_path).sort()).toEqual(['acme/platform', 'acme/sandbox']);
  });

  it('Groups.allProjects with include_subgroups lists all six', async () => {
    const ps = await api(sim.tokens.owner).Groups.allProjects('acme', { includeSubgroups: true, orderBy: 'id', sort: 'asc' });
    expect(ps.map((p) => p.path_with_namespace)).toEqual([
      'acme/web',
      'acme/api',
      'acme/platform/infra',
      'acme/platform/deploy',
      'acme/sandbox/scratch',
      'acme/docs-site',
    ]);
  });

  it('Groups.all lists member groups; top_level_only narrows', async () => {
    const all = await api(sim.tokens.developer).Groups.all();
    expect(all.map((g) => g.full_path).sort()).toEqual(['acme', 'acme/platform', 'acme/sandbox']);
    const top = await api(sim.tokens.developer).Groups.all({ topLevelOnly: true });
    expect(top.map((g) => g.full_path)).toEqual(['acme']);
  });

  it('Groups.edit turns 2FA back on and records the audit event', async () => {
    const g = (await api(sim.tokens.owner).Groups.edit('acme', { requireTwoFactorAuthentication: true })) as unknown as Record<string, unknown>;
    expect(g.require_two_factor_authentication).toBe(true);
    const last = sim.state.audit_events[sim.state.audit_events.length - 1];
    expect(last).toMatchObject({
      entity_type: 'Group',
      event_name: 'group_require_two_factor_authentication_updated',
      details: { change: 'require_two_factor_authentication', from: false, to: true, author_name: 'Alice Owner', entity_path: 'acme' },
    });
  });
});

describe('projects', () => {
  it('Projects.show returns role-gated CI keys for a Maintainer and approvals_before_merge on Premium+', async () => {
    const p = (await api(sim.tokens.maintainer).Projects.show('acme/web')) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({
      path_with_namespace: 'acme/web',
      visibility: 'public',
      default_branch: 'main',
      archived: false,
      public_jobs: false,
      restrict_user_defined_variables: true,
      ci_pipeline_variables_minimum_override_role: 'maintainer',
      ci_job_token_scope_enabled: false,
      approvals_before_merge: 0,
      namespace: { full_path: 'acme', kind: 'group' },
    });
  });

  it('Developers do not see the role-gated keys (absent, not false)', async () => {
    const p = (await api(sim.tokens.developer).Projects.show('acme/platform/infra')) as unknown as Record<string, unknown>;
    expect(p.public_jobs).toBe(true);
    for (const k of ['restrict_user_defined_variables', 'ci_pipeline_variables_minimum_override_role', 'ci_job_token_scope_enabled']) expect(k in p).toBe(false);
  });

  it('Projects.all with keyset pagination walks every visible project', async () => {
    const ps = await api(sim.tokens.owner).Projects.all({ pagination: 'keyset', orderBy: 'id', sort: 'asc', perPage: 2 });
    expect(ps.map((p) => p.path_with_namespace)).toEqual([
      'acme/web',
      'acme/api',
      'acme/platform/infra',
      'acme/platform/deploy',
      'acme/sandbox/scratch',
      'acme/docs-site',
    ]);
    expect(sim.counts()['GET /projects']).toBeGreaterThanOrEqual(3);
  });

  it('Projects.edit sets public_jobs through the public_builds alias and audits visibility', async () => {
    const p = (await api(sim.tokens.maintainer).Projects.edit('acme/platform/infra', { publicBuilds: false } as never)) as unknown as Record<string, unknown>;
    expect(p.public_jobs).toBe(false);
    expect('public_builds' in p).toBe(false);
    const q = (await api(sim.tokens.maintainer).Projects.edit('acme/web', { visibility: 'private' })) as unknown as Record<string, unknown>;
    expect(q.visibility).toBe('private');
    const last = sim.state.audit_events[sim.state.audit_events.length - 1];
    expect(last).toMatchObject({
      entity_type: 'Project',
      event_name: 'project_visibility_level_updated',
      details: { change: 'visibility_level', from: 'Public', to: 'Private', author_name: 'Bob Maintainer', target_details: 'acme/web' },
    });
  });
});

describe('audit events, version, namespaces, users, settings', () => {
  it('AuditEvents.all for a project returns the incident events with author, ip, from/to (strings, as GitLab sends them)', async () => {
    const events = (await api(sim.tokens.owner).AuditEvents.all({ projectId: 'acme/api' })) as unknown as { event_name: string; details: Record<string, unknown> }[];
    const names = events.map((e) => e.event_name);
    expect(names).toEqual(expect.arrayContaining(['update_approval_rules', 'project_merge_requests_author_approval_updated', 'webhook_created']));
    const author = events.find((e) => e.event_name === 'project_merge_requests_author_approval_updated')!;
    expect(author.details).toMatchObject({ author_name: 'Mallory Attacker', ip_address: '203.0.113.9', change: 'prevent merge request approval from authors', from: 'true', to: 'false' });
  });

  it('AuditEvents.show by id, and instance events for the admin', async () => {
    const list = (await api(sim.tokens.admin).AuditEvents.all()) as unknown as { id: number }[];
    expect(list.length).toBeGreaterThanOrEqual(9);
    const one = (await api(sim.tokens.admin).AuditEvents.show(list[0].id)) as unknown as { id: number };
    expect(one.id).toBe(list[0].id);
  });

  it('Metadata.show reports the EE build', async () => {
    const m = (await api(sim.tokens.developer).Metadata.show()) as unknown as Record<string, unknown>;
    expect(m).toMatchObject({ version: '17.11.2-ee', enterprise: true });
  });

  it('License.show is the plan for admins', async () => {
    const l = (await api(sim.tokens.admin).License.show()) as unknown as Record<string, unknown>;
    expect(l).toMatchObject({ plan: 'ultimate', expired: false });
  });

  it('Namespaces.show gives plan "default" on self-managed to the owner only', async () => {
    const owner = (await api(sim.tokens.owner).Namespaces.show('acme')) as unknown as Record<string, unknown>;
    expect(owner).toMatchObject({ full_path: 'acme', kind: 'group', plan: 'default' });
    const dev = (await api(sim.tokens.developer).Namespaces.show('acme')) as unknown as Record<string, unknown>;
    expect('plan' in dev).toBe(false);
  });

  it('Users.showCurrentUser and Users.show; is_admin only for admins', async () => {
    const me = (await api(sim.tokens.admin).Users.showCurrentUser()) as unknown as Record<string, unknown>;
    expect(me).toMatchObject({ username: 'root', is_admin: true });
    const mallory = sim.state.users.find((u) => u.username === 'mallory')!;
    const seen = (await api(sim.tokens.developer).Users.show(mallory.id)) as unknown as Record<string, unknown>;
    expect(seen).toMatchObject({ id: mallory.id, username: 'mallory', name: 'Mallory Attacker', state: 'active' });
    expect('is_admin' in seen).toBe(false);
  });

  it('PersonalAccessTokens.show() is the presented token', async () => {
    const t = (await api(sim.tokens.readOnly).PersonalAccessTokens.show()) as unknown as Record<string, unknown>;
    expect(t).toMatchObject({ name: 'alice-read-api', scopes: ['read_api'], active: true, revoked: false });
    expect(JSON.stringify(t)).not.toContain(sim.tokens.readOnly);
  });

  it('ApplicationSettings.show/edit for the admin, audited as application_setting_updated', async () => {
    const s = (await api(sim.tokens.admin).ApplicationSettings.show()) as unknown as Record<string, unknown>;
    expect(s).toMatchObject({ require_two_factor_authentication: true, two_factor_grace_period: 8, max_number_of_repository_downloads: 100 });
    const e = (await api(sim.tokens.admin).ApplicationSettings.edit({ twoFactorGracePeriod: 4 } as never)) as unknown as Record<string, unknown>;
    expect(e.two_factor_grace_period).toBe(4);
    const last = sim.state.audit_events[sim.state.audit_events.length - 1];
    expect(last).toMatchObject({ entity_type: 'Gitlab::Audit::InstanceScope', event_name: 'application_setting_updated', details: { change: 'two_factor_grace_period', from: 8, to: 4 } });
    await expect(api(sim.tokens.owner).ApplicationSettings.show()).rejects.toMatchObject({ cause: { response: { status: 403 } } });
  });

  it('GET /version', async () => {
    const r = await raw(sim, '/version', { token: sim.tokens.developer });
    expect(r.json).toEqual({ version: '17.11.2-ee', revision: sim.state.revision });
  });
});

// Approval rules and settings as GitLab validates them (issue 13, items 4, 6, 7). A fresh sim: these tests write.
describe('approval rules and approval settings (GitLab EE validations)', () => {
  let own: RunningSim;
  beforeAll(async () => {
    own = await withSim({ scenario: 'hardened' });
  });
  afterAll(async () => {
    await own.close();
  });
  const send = (method: string, path: string, body: unknown) =>
    raw(own, path, { method, token: own.tokens.maintainer, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // ApprovalProjectRule: validates :rule_type, uniqueness: { scope: :project_id }, if: :any_approver?;
  // ApprovalRules::CreateService#handle_any_approver_rule_creation: no user_ids/group_ids/usernames -> any_approver.
  it('a rule created without approvers is any_approver, and a project holds only one', async () => {
    const second = await send('POST', '/projects/acme%2Fweb/approval_rules', { name: 'Second', approvals_required: 1 });
    expect(second.status).toBe(400);
    expect(second.json).toEqual({ message: { rule_type: ['any-approver for the project already exists'] } });
    const web = own.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    expect(web.approval_rules.map((r) => r.rule_type)).toEqual(['any_approver']);

    const del = await raw(own, `/projects/acme%2Fweb/approval_rules/${web.approval_rules[0]!.id}`, { method: 'DELETE', token: own.tokens.maintainer });
    expect(del.status).toBe(204);
    const created = await send('POST', '/projects/acme%2Fweb/approval_rules', { name: 'Reviewers', approvals_required: 2 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Reviewers', rule_type: 'any_approver', approvals_required: 2, users: [], groups: [], eligible_approvers: [] });
    const withUsers = await send('POST', '/projects/acme%2Fweb/approval_rules', { name: 'Security', approvals_required: 1, usernames: ['bob'] });
    expect(withUsers.json).toMatchObject({ rule_type: 'regular' });
    const explicit = await send('POST', '/projects/acme%2Fweb/approval_rules', { name: 'Explicit', approvals_required: 1, rule_type: 'regular' });
    expect(explicit.json).toMatchObject({ rule_type: 'regular' });
  });

  // ApprovalRuleLike#approvers = (users | group_users) filtered to active users; the entity serves it as eligible_approvers.
  // ApprovalWrappedRule#invalid_rule?: approvals_required > approvers.size -> the rule counts as approved.
  it('eligible_approvers are the active users and group members: a blocked approver leaves a 2-of-2 rule invalid', async () => {
    const rule = await send('POST', '/projects/acme%2Fapi/approval_rules', { name: 'Pair', approvals_required: 2, usernames: ['bob', 'dave'] });
    expect(rule.status).toBe(201);
    const id = (rule.json as { id: number }).id;
    const names = async () => {
      const r = await raw(own, `/projects/acme%2Fapi/approval_rules/${id}`, { token: own.tokens.maintainer });
      return (r.json as GlApprovalRule).eligible_approvers.map((u) => u.username);
    };
    expect(await names()).toEqual(['bob', 'dave']);
    own.state.users.find((u) => u.username === 'dave')!.state = 'blocked';
    expect(await names()).toEqual(['bob']);
    const served = (await raw(own, `/projects/acme%2Fapi/approval_rules/${id}`, { token: own.tokens.maintainer })).json as GlApprovalRule;
    expect(isInvalidRule(served)).toBe(true);
    own.state.users.find((u) => u.username === 'dave')!.state = 'active';
  });

  // MergeRequest::ApprovalRemovalSettings#mutually_exclusive_settings; POST /approvals renders it with
  // render_validation_error! (400, errors on base); the settings PUT with render_api_error!(message, 400).
  it('reset_approvals_on_push and selective_code_owner_removals are mutually exclusive', async () => {
    const base = { message: { base: ['selective_code_owner_removals can only be enabled when reset_approvals_on_push is disabled'] } };
    const on = await send('POST', '/projects/acme%2Fdocs-site/approvals', { selective_code_owner_removals: true });
    expect([on.status, on.json]).toEqual([400, base]);
    const swap = await send('POST', '/projects/acme%2Fdocs-site/approvals', { reset_approvals_on_push: false, selective_code_owner_removals: true });
    expect(swap.status).toBe(201);
    expect(swap.json).toMatchObject({ reset_approvals_on_push: false, selective_code_owner_removals: true });
    const resetAlone = await send('POST', '/projects/acme%2Fdocs-site/approvals', { reset_approvals_on_push: true });
    expect([resetAlone.status, resetAlone.json]).toEqual([400, base]);
    const put = await send('PUT', '/projects/acme%2Fdocs-site/merge_request_approval_setting', { retain_approvals_on_push: false });
    expect([put.status, put.json]).toEqual([400, { message: 'selective_code_owner_removals can only be enabled when retain_approvals_on_push is enabled' }]);
    // What mr-approvals.reset-on-push's fix sends: both flags in one write.
    const fix = await send('POST', '/projects/acme%2Fdocs-site/approvals', { reset_approvals_on_push: true, selective_code_owner_removals: false });
    expect(fix.status).toBe(201);
    expect(fix.json).toMatchObject({ reset_approvals_on_push: true, selective_code_owner_removals: false });
  });
});

// AuditEvents::CommonModel#formatted_details, which EE::API::Entities::AuditEvent exposes as `details`:
// `details.merge(details.slice(:from, :to).transform_values(&:to_s))`. Stored values keep their types (and so does
// the streamed payload, `audit_event.as_json`: test/sim/server.test.ts); the REST API sends Ruby's to_s of each.
describe('audit event details over REST (item: from/to are strings)', () => {
  type Ev = { id: number; event_name: string; details: Record<string, unknown> };
  // The incident's own events (mallory's): earlier tests in this file add more on the same objects.
  const byName = (events: Ev[], name: string) => events.find((e) => e.event_name === name && e.details.author_name === 'Mallory Attacker')!;

  it('booleans, integers, level names and arrays arrive as Ruby to_s text; the stored event stays typed', async () => {
    const web = (await raw(sim, '/projects/acme%2Fweb/audit_events', { token: sim.tokens.owner })).json as Ev[];
    expect(byName(web, 'protected_branch_updated').details).toMatchObject({ change: 'allowed to push', from: '["Maintainers"]', to: '["Maintainers", "Developers + Maintainers"]' });
    expect(byName(web, 'protected_branch_allow_force_push_updated').details).toMatchObject({ change: 'allow force push', from: 'false', to: 'true' });
    expect(byName(web, 'project_visibility_level_updated').details).toMatchObject({ change: 'visibility_level', from: 'Private', to: 'Public' });
    const apiEvents = (await raw(sim, '/projects/acme%2Fapi/audit_events', { token: sim.tokens.owner })).json as Ev[];
    expect(byName(apiEvents, 'update_approval_rules').details).toMatchObject({ change: 'number of required approvals', from: '2', to: '0' });
    // Only present keys are converted: an event without from/to gets none.
    const hook = byName(apiEvents, 'webhook_created');
    expect('from' in hook.details || 'to' in hook.details).toBe(false);
    const stored = sim.state.audit_events.find((e) => e.id === byName(web, 'protected_branch_updated').id)!;
    expect([stored.details.from, stored.details.to]).toEqual([['Maintainers'], ['Maintainers', 'Developers + Maintainers']]);
  });

  it('nil becomes "" and the single-event route formats the same way', async () => {
    const project = sim.state.projects.find((p) => p.path_with_namespace === 'acme/docs-site')!;
    const id = 990_001;
    sim.state.audit_events.push({
      id, author_id: sim.state.users[0]!.id, entity_id: project.id, entity_type: 'Project', created_at: new Date().toISOString(), event_name: 'project_default_branch_updated',
      details: { event_name: 'project_default_branch_updated', change: 'default_branch', from: null, to: 'main', target_details: 'acme/docs-site' },
    });
    try {
      const one = (await raw(sim, `/projects/${project.id}/audit_events/${id}`, { token: sim.tokens.owner })).json as Ev;
      expect(one.details).toMatchObject({ from: '', to: 'main' });
      const all = (await raw(sim, `/audit_events/${id}`, { token: sim.tokens.admin })).json as Ev;
      expect(all.details).toMatchObject({ from: '', to: 'main' });
    } finally {
      sim.state.audit_events = sim.state.audit_events.filter((e) => e.id !== id);
    }
  });

  const py = findPythonGitlab();
  it.skipIf(!py.python)(`python-gitlab reads them as strings too, and walks keyset pages by Link header${py.reason ? ` (skipped: ${py.reason})` : ''}`, async () => {
    const out = (await runPythonGitlab(sim.url, sim.tokens.owner, [
      "p = gl.projects.get('acme/web')",
      'evs = p.audit_events.list(all=True)',
      "out([{'event_name': e.attributes.get('event_name'), 'from': e.attributes['details'].get('from'), 'to': e.attributes['details'].get('to')} for e in evs])",
    ].join('\n'))) as { event_name: string; from?: unknown; to?: unknown }[];
    expect(out.find((e) => e.event_name === 'protected_branch_allow_force_push_updated')).toEqual({ event_name: 'protected_branch_allow_force_push_updated', from: 'false', to: 'true' });
    expect(out.find((e) => e.event_name === 'protected_branch_updated')).toMatchObject({ from: '["Maintainers"]', to: '["Maintainers", "Developers + Maintainers"]' });

    const ids = (await runPythonGitlab(sim.url, sim.tokens.admin, [
      "evs = gl.audit_events.list(pagination='keyset', order_by='id', sort='desc', per_page=3, all=True)",
      'out([e.id for e in evs])',
    ].join('\n'))) as number[];
    expect(ids).toEqual(sim.state.audit_events.map((e) => e.id).sort((a, b) => b - a));
  });
});

// GitLab CE (issue 13, items 8 and 16): lib/api/helpers/protected_branches_helpers.rb declares, on CE, only
// allow_force_push and allowed_to_push[deploy_key_id]; ProtectedRefs::AccessLevelParams keeps deploy-key entries;
// CE's API::Entities::ProtectedRefAccess exposes deploy_key_id on push entries. EE routes do not exist.
describe('GitLab CE protected branches and the approval-rule validations, through python-gitlab', () => {
  const py = findPythonGitlab();
  let ce: RunningSim;
  let ee: RunningSim;
  beforeAll(async () => {
    ce = await withSim({ scenario: 'hardened', edition: 'ce', tier: 'free' });
    ee = await withSim({ scenario: 'hardened' });
  });
  afterAll(async () => {
    await ce.close();
    await ee.close();
  });

  it('CE: a PATCH with access-level entries answers 200 and changes nothing but allow_force_push; push entries carry deploy_key_id', async () => {
    const patch = await raw(ce, '/projects/acme%2Fweb/protected_branches/main', {
      method: 'PATCH',
      token: ce.tokens.maintainer,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 30 }], allow_force_push: true }),
    });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({
      allow_force_push: true,
      push_access_levels: [{ access_level: 40, access_level_description: 'Maintainers', deploy_key_id: null }],
      merge_access_levels: [{ access_level: 40, access_level_description: 'Maintainers' }],
    });
    expect('user_id' in (patch.json as { push_access_levels: object[] }).push_access_levels[0]!).toBe(false);
    expect((await raw(ce, '/projects/acme%2Fweb/approval_rules', { token: ce.tokens.maintainer })).status).toBe(404);
  });

  it.skipIf(!py.python)(`python-gitlab sees the same CE entity and the EE any_approver refusal${py.reason ? ` (skipped: ${py.reason})` : ''}`, async () => {
    const seen = (await runPythonGitlab(ce.url, ce.tokens.maintainer, [
      "b = gl.projects.get('acme/web').protectedbranches.get('main')",
      'out(b.push_access_levels)',
    ].join('\n'))) as Record<string, unknown>[];
    expect(seen).toEqual([{ id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', deploy_key_id: null }]);
    const refused = (await runPythonGitlab(ee.url, ee.tokens.maintainer, [
      "p = gl.projects.get('acme/web')",
      'try:',
      "    p.approvalrules.create({'name': 'Second', 'approvals_required': 1})",
      "    out('created')",
      'except gitlab.exceptions.GitlabCreateError as e:',
      "    out({'status': e.response_code, 'message': str(e.error_message)})",
    ].join('\n'))) as { status: number; message: string };
    expect(refused).toEqual({ status: 400, message: "{'rule_type': ['any-approver for the project already exists']}" });
  });
});

// Simulator protocol as GitLab's own code answers it.
describe('authentication failures (lib/api/api_guard.rb, Gitlab::Auth::AuthFinders)', () => {
  it.each([
    ['expired', { revoked: false, expires_at: '2020-01-01' }, 'Token is expired. You can either do re-authorization or token refresh.'],
    ['revoked', { revoked: true, expires_at: null }, 'Token was revoked. You have to re-authorize from the user.'],
  ])('a %s token: 401 invalid_token with GitLab\'s description and the OAuth2 challenge', async (name, over, description) => {
    const alice = sim.state.users.find((u) => u.username === 'alice')!;
    const token = `glpat-conformance-${name}`;
    sim.state.tokens.push({ id: 99_000 + sim.state.tokens.length, token, name, user_id: alice.id, scopes: ['api'], created_at: '2019-01-01T00:00:00Z', ...over });
    for (const bearer of [false, true]) {
      const r = await raw(sim, '/groups/acme', { token, bearer });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: 'invalid_token', error_description: description });
      // Rack::OAuth2::Server::Resource::Bearer::Unauthorized#finish (realm: rack-oauth2's DEFAULT_REALM).
      expect(r.headers.get('www-authenticate')).toBe(`Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`);
      expect(r.text).not.toContain(token);
    }
    await expect(api(token).Groups.show('acme')).rejects.toMatchObject({ cause: { response: { status: 401 } } });
  });

  it('an unknown token is UnauthorizedError: {"message":"401 Unauthorized"}', async () => {
    const r = await raw(sim, '/groups/acme', { token: 'glpat-never-issued' });
    expect([r.status, r.json]).toEqual([401, { message: '401 Unauthorized' }]);
  });
});

describe('web_url follows the URL GitLab is served at (Gitlab.config.gitlab.url)', () => {
  it('groups, projects, namespaces and users link back to this server', async () => {
    const g = (await api(sim.tokens.owner).Groups.show('acme')) as unknown as { web_url: string; projects: { path_with_namespace: string; web_url: string }[] };
    expect(g.web_url).toBe(`${sim.url}/groups/acme`);
    expect(g.projects.find((p) => p.path_with_namespace === 'acme/web')!.web_url).toBe(`${sim.url}/acme/web`);
    const p = (await api(sim.tokens.maintainer).Projects.show('acme/web')) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({ web_url: `${sim.url}/acme/web`, http_url_to_repo: `${sim.url}/acme/web.git`, ssh_url_to_repo: 'git@127.0.0.1:acme/web.git', namespace: { web_url: `${sim.url}/groups/acme` } });
    const ns = (await raw(sim, '/namespaces/acme', { token: sim.tokens.owner })).json as { web_url: string };
    expect(ns.web_url).toBe(`${sim.url}/groups/acme`);
    const me = (await raw(sim, '/user', { token: sim.tokens.owner })).json as { web_url: string };
    expect(me.web_url).toBe(`${sim.url}/alice`);
    // A link GitLab hands out is one the client can follow on the same server.
    expect(new URL(p.web_url as string).origin).toBe(new URL(sim.apiUrl).origin);
  });
});

// lib/api/pagination_params.rb (`page`/`per_page` are Grape Integers, per_page `except_values: [0]`) with the
// only_positive_pagination_values flag off (its default); the texts are those of GitLab's request specs.
describe('pagination parameters (Grape validation, API::PaginationParams)', () => {
  it.each([
    ['page=a', '?page=a', 'page is invalid'],
    ['per_page=a', '?per_page=a', 'per_page is invalid'],
    ['per_page=0', '?per_page=0', 'per_page has a value not allowed'],
    ['page=1.5', '?page=1.5', 'page is invalid'],
    ['both bad', '?page=x&per_page=0', 'page is invalid, per_page has a value not allowed'],
  ])('%s -> 400', async (_name, query, error) => {
    for (const path of ['/groups/acme/projects', '/projects/acme%2Fweb/audit_events']) {
      const r = await raw(sim, `${path}${query}`, { token: sim.tokens.owner });
      expect([r.status, r.json]).toEqual([400, { error }]);
    }
  });

  it.each([
    ['page=0 is page 1', '?page=0', '1', '20'],
    ['page=-3 is page 1', '?page=-3', '1', '20'],
    ['per_page=-1 is the default 20', '?per_page=-1', '1', '20'],
    ['per_page=500 is clamped to 100', '?per_page=500', '1', '100'],
    ['" 2 " is 2 (Ruby Integer())', '?per_page=%202%20', '1', '2'],
  ])('%s', async (_name, query, page, perPage) => {
    const r = await raw(sim, `/groups/acme/projects${query}`, { token: sim.tokens.owner });
    expect([r.status, r.headers.get('x-page'), r.headers.get('x-per-page')]).toEqual([200, page, perPage]);
  });

  const py = findPythonGitlab();
  it.skipIf(!py.python)(`python-gitlab sees GitLab's 400 for per_page=0${py.reason ? ` (skipped: ${py.reason})` : ''}`, async () => {
    const out = await runPythonGitlab(sim.url, sim.tokens.owner, [
      'try:',
      "    gl.groups.get('acme', lazy=True).projects.list(per_page=0)",
      "    out('no error')",
      'except gitlab.exceptions.GitlabListError as e:',
      "    out({'code': e.response_code, 'message': e.error_message})",
    ].join('\n'));
    expect(out).toEqual({ code: 400, message: 'per_page has a value not allowed' });
  });
});
