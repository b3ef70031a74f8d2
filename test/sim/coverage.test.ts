// The simulator serves the endpoints and keys of the coverage rules the way GitLab does: push rules
// (ee/lib/api/project_push_rule.rb, group_push_rule.rb), members (lib/api/members.rb), deploy keys
// (lib/api/deploy_keys.rb), users as administrators see them (lib/api/users.rb, UserWithAdmin), group keys
// (lib/api/entities/group.rb, ee/lib/ee/api/entities/group_detail.rb) and application settings
// (lib/api/entities/application_setting.rb).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim';
import { putJson, raw } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSim({ scenario: 'hardened' });
});
afterAll(async () => {
  await sim.close();
});

const post = (path: string, token: string, body: unknown) =>
  raw(sim, path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('push rules', () => {
  it('project: Maintainer reads the rule; a project without one answers null; POST then PUT, audited per column', async () => {
    const r = await raw(sim, '/projects/acme%2Fweb/push_rule', { token: sim.tokens.maintainer });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ project_id: expect.any(Number), reject_unsigned_commits: true, prevent_secrets: true, member_check: true, commit_committer_check: true });
    expect((await raw(sim, '/projects/acme%2Fweb/push_rule', { token: sim.tokens.developer })).status).toBe(403);

    const scratch = sim.state.projects.find((p) => p.path_with_namespace === 'acme/sandbox/scratch')!;
    scratch.push_rule = null;
    const none = await raw(sim, `/projects/${scratch.id}/push_rule`, { token: sim.tokens.owner });
    expect([none.status, none.text]).toEqual([200, 'null']);
    expect((await putJson(sim, `/projects/${scratch.id}/push_rule`, sim.tokens.owner, { prevent_secrets: true })).json).toEqual({ message: '404 Push rule Not Found' });
    const created = await post(`/projects/${scratch.id}/push_rule`, sim.tokens.owner, { prevent_secrets: true });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ prevent_secrets: true, member_check: false });
    expect((await post(`/projects/${scratch.id}/push_rule`, sim.tokens.owner, { prevent_secrets: true })).json).toEqual({ message: 'Project push rule exists' });
    expect((await putJson(sim, `/projects/${scratch.id}/push_rule`, sim.tokens.owner, {})).status).toBe(400);
    const last = sim.state.audit_events.at(-1)!;
    expect([last.event_name, last.details.change, last.details.from, last.details.to]).toEqual(['project_push_rules_prevent_secrets_updated', 'prevent_secrets', false, true]);
  });

  it('group: 404 without a rule and for a token that may not manage push rules', async () => {
    expect((await raw(sim, '/groups/acme/push_rule', { token: sim.tokens.owner })).status).toBe(200);
    expect((await raw(sim, '/groups/acme/push_rule', { token: sim.tokens.developer })).status).toBe(404);
    expect((await raw(sim, '/groups/acme%2Fplatform/push_rule', { token: sim.tokens.owner })).json).toEqual({ message: '404 Not found' });
    const put = await putJson(sim, '/groups/acme/push_rule', sim.tokens.owner, { member_check: false });
    expect(put.json).toMatchObject({ member_check: false });
    expect(sim.state.audit_events.at(-1)!.event_name).toBe('group_push_rules_reject_member_check_updated');
    await putJson(sim, '/groups/acme/push_rule', sim.tokens.owner, { member_check: true });
  });

  it('unlicensed: project push rule 403, group push rule 404', async () => {
    const free = await startSim({ scenario: 'hardened', tier: 'free' });
    try {
      expect((await raw(free, '/projects/acme%2Fweb/push_rule', { token: free.tokens.owner })).status).toBe(403);
      expect((await raw(free, '/groups/acme/push_rule', { token: free.tokens.owner })).status).toBe(404);
    } finally {
      await free.close();
    }
  });
});

describe('members and users', () => {
  it('direct members with role, state and membership date; members/all includes inherited roles', async () => {
    const m = (await raw(sim, '/groups/acme/members', { token: sim.tokens.developer })).json as Record<string, unknown>[];
    expect(m.map((x) => [x.username, x.access_level])).toEqual([['alice', 50], ['mallory', 50], ['bob', 40], ['dave', 30]]);
    expect(m[0]).toMatchObject({ state: 'active', created_at: expect.stringMatching(/^\d{4}-/) });
    expect((await raw(sim, '/projects/acme%2Fweb/members', { token: sim.tokens.developer })).json).toEqual([]);
    const bob = sim.state.users.find((u) => u.username === 'bob')!;
    expect(((await raw(sim, `/groups/acme%2Fplatform/members/all/${bob.id}`, { token: sim.tokens.owner })).json as { access_level: number }).access_level).toBe(40);
    expect((await raw(sim, `/groups/acme%2Fplatform/members/all/999999`, { token: sim.tokens.owner })).status).toBe(404);
  });

  it('GET /users: administrators filter and see 2FA/external; others get 403 for external and no 2FA filter', async () => {
    const dave = sim.state.users.find((u) => u.username === 'dave')!;
    dave.two_factor_enabled = false;
    try {
      const no2fa = (await raw(sim, '/users?two_factor=disabled', { token: sim.tokens.admin })).json as Record<string, unknown>[];
      expect(no2fa.map((u) => u.username)).toEqual(['dave']);
      expect(no2fa[0]).toMatchObject({ two_factor_enabled: false, external: false, last_activity_on: expect.any(String) });
      const admins = (await raw(sim, '/users?admins=true', { token: sim.tokens.admin })).json as Record<string, unknown>[];
      expect(admins.map((u) => u.username)).toEqual(['root']);
      expect((await raw(sim, '/users?external=true', { token: sim.tokens.owner })).status).toBe(403);
      const asOwner = (await raw(sim, '/users?two_factor=disabled', { token: sim.tokens.owner })).json as Record<string, unknown>[];
      expect(asOwner.length).toBe(sim.state.users.length);
      expect('two_factor_enabled' in asOwner[0]!).toBe(false);
    } finally {
      dave.two_factor_enabled = true;
    }
  });
});

describe('deploy keys', () => {
  it('Maintainer lists keys with can_push and turns write access off', async () => {
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    web.deploy_keys.push({ id: 9001, title: 'ci', can_push: true });
    try {
      expect((await raw(sim, '/projects/acme%2Fweb/deploy_keys', { token: sim.tokens.developer })).status).toBe(403);
      const keys = (await raw(sim, '/projects/acme%2Fweb/deploy_keys', { token: sim.tokens.maintainer })).json as Record<string, unknown>[];
      expect(keys).toMatchObject([{ id: 9001, title: 'ci', can_push: true }]);
      const put = await putJson(sim, `/projects/${web.id}/deploy_keys/9001`, sim.tokens.maintainer, { can_push: false });
      expect(put.json).toMatchObject({ id: 9001, can_push: false });
      expect((await putJson(sim, `/projects/${web.id}/deploy_keys/1`, sim.tokens.maintainer, { can_push: false })).status).toBe(404);
    } finally {
      web.deploy_keys = [];
    }
  });
});

describe('project and group keys', () => {
  it('forking_access_level in the listing; a change is audited with the stored integers', async () => {
    const list = (await raw(sim, '/groups/acme/projects?per_page=100', { token: sim.tokens.owner })).json as Record<string, unknown>[];
    expect(new Set(list.map((p) => p.forking_access_level))).toEqual(new Set(['private']));
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    expect((await putJson(sim, `/projects/${web.id}`, sim.tokens.maintainer, { forking_access_level: 'everyone' })).status).toBe(400);
    await putJson(sim, `/projects/${web.id}`, sim.tokens.maintainer, { forking_access_level: 'enabled' });
    const e = sim.state.audit_events.at(-1)!;
    expect([e.event_name, e.details.from, e.details.to]).toEqual(['project_feature_forking_access_level_updated', 10, 20]);
    await putJson(sim, `/projects/${web.id}`, sim.tokens.maintainer, { forking_access_level: 'private' });
  });

  it('prevent_forking_outside_group: GroupDetail only, the top-level value; only its Owner changes it', async () => {
    const listed = (await raw(sim, '/groups/acme/descendant_groups', { token: sim.tokens.owner })).json as Record<string, unknown>[];
    expect(listed.every((g) => !('prevent_forking_outside_group' in g) && !('membership_lock' in g))).toBe(true);
    expect(listed.map((g) => g.subgroup_creation_level)).toEqual(['owner', 'owner']);
    const sub = (await raw(sim, '/groups/acme%2Fplatform', { token: sim.tokens.owner })).json as Record<string, unknown>;
    expect(sub.prevent_forking_outside_group).toBe(true);
    await putJson(sim, '/groups/acme%2Fplatform', sim.tokens.owner, { prevent_forking_outside_group: false });
    expect(sim.state.groups.find((g) => g.full_path === 'acme/platform')!.prevent_forking_outside_group).toBe(true);
    const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
    await putJson(sim, '/groups/acme', sim.tokens.owner, { prevent_forking_outside_group: false });
    expect(acme.prevent_forking_outside_group).toBe(false);
    expect(((await raw(sim, '/groups/acme%2Fplatform', { token: sim.tokens.owner })).json as Record<string, unknown>).prevent_forking_outside_group).toBe(false);
    await putJson(sim, '/groups/acme', sim.tokens.owner, { prevent_forking_outside_group: true });
  });

  it('a group without its own default branch protection shows the instance one', async () => {
    const sandbox = sim.state.groups.find((g) => g.full_path === 'acme/sandbox')!;
    const own = sandbox.default_branch_protection_defaults;
    sandbox.default_branch_protection_defaults = undefined;
    try {
      const g = (await raw(sim, '/groups/acme%2Fsandbox', { token: sim.tokens.owner })).json as Record<string, unknown>;
      expect(g.default_branch_protection_defaults).toEqual(sim.state.application_settings.default_branch_protection_defaults);
    } finally {
      sandbox.default_branch_protection_defaults = own;
    }
  });
});

describe('application settings', () => {
  it('exposes the throttle column under its web name too, and accepts writes by that name', async () => {
    const s = (await raw(sim, '/application/settings', { token: sim.tokens.admin })).json as Record<string, unknown>;
    expect([s.throttle_unauthenticated_enabled, s.throttle_unauthenticated_web_enabled]).toEqual([true, true]);
    expect(s).toMatchObject({ email_confirmation_setting: 'hard', admin_mode: true, max_personal_access_token_lifetime: 90, allow_runner_registration_token: false });
    await putJson(sim, '/application/settings', sim.tokens.admin, { throttle_unauthenticated_web_enabled: false });
    expect(sim.state.application_settings.throttle_unauthenticated_enabled).toBe(false);
    await putJson(sim, '/application/settings', sim.tokens.admin, { throttle_unauthenticated_web_enabled: true });
    expect((await putJson(sim, '/application/settings', sim.tokens.admin, { email_confirmation_setting: 'maybe' })).status).toBe(400);
  });

  it('CE has no max_personal_access_token_lifetime', async () => {
    const ce = await startSim({ scenario: 'hardened', edition: 'ce' });
    try {
      const s = (await raw(ce, '/application/settings', { token: ce.tokens.admin })).json as Record<string, unknown>;
      expect('max_personal_access_token_lifetime' in s).toBe(false);
    } finally {
      await ce.close();
    }
  });
});
