// Handler-level tests for the project/group subresource routes (gitlab-api.md §3.4–3.9), on a hand-built state.
import { describe, expect, it } from 'vitest';
import type { GlApprovalRule, GlHook, GlProtectedBranch, GlVariable } from '../../gitlab/types';
import { branch, makeFixture } from './subresources-fixture';

const PB = '/projects/20/protected_branches';

describe('protected branches (project)', () => {
  it('POST defaults to Maintainers push/merge, no force push, EE entry keys, and audits the creation', async () => {
    const f = makeFixture();
    const res = await f.call('POST', PB, { body: { name: 'release/*' } });
    expect(res.status).toBe(201);
    const b = res.body as GlProtectedBranch;
    expect(b.name).toBe('release/*');
    expect(b.allow_force_push).toBe(false);
    expect(b.code_owner_approval_required).toBe(false);
    expect(b.inherited).toBe(false);
    expect(b.push_access_levels).toEqual([
      { id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null, deploy_key_id: null },
    ]);
    expect(b.merge_access_levels).toEqual([
      { id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null },
    ]);
    expect(b.unprotect_access_levels).toEqual([]);
    expect(f.audits).toEqual([
      expect.objectContaining({ event_name: 'protected_branch_created', entity_type: 'Project', entity_id: 20, target_type: 'ProtectedBranch', target_details: 'release/*' }),
    ]);
  });

  it('POST of an existing name answers 409 with GitLab message', async () => {
    const f = makeFixture();
    const res = await f.call('POST', PB, { body: { name: 'main', push_access_level: 30 } });
    expect(res).toEqual({ status: 409, body: { message: "Protected branch 'main' already exists" } });
    expect(f.project.protected_branches).toHaveLength(1);
  });

  it('POST validates levels (0 No one allowed for push, not for unprotect) and requires name', async () => {
    const f = makeFixture();
    expect((await f.call('POST', PB, { body: { name: 'x', push_access_level: '0', unprotect_access_level: 0 } }))).toEqual({
      status: 400,
      body: { error: 'unprotect_access_level does not have a valid value' },
    });
    expect(await f.call('POST', PB, { body: { push_access_level: 40 } })).toEqual({ status: 400, body: { error: 'name is missing' } });
    const ok = await f.call('POST', PB, { body: { name: 'x', push_access_level: '0', merge_access_level: 30 } });
    const b = ok.body as GlProtectedBranch;
    expect(b.push_access_levels.map((e) => e.access_level_description)).toEqual(['No one']);
    expect(b.merge_access_levels.map((e) => e.access_level)).toEqual([30]);
  });

  it('PATCH is additive: no id adds, {id, access_level} updates, {id, _destroy} deletes, others stay', async () => {
    const f = makeFixture();
    const main = f.project.protected_branches[0]!;
    main.push_access_levels.push({ id: 501, access_level: 0, access_level_description: 'No one', user_id: null, group_id: null, deploy_key_id: null });
    const keepId = main.push_access_levels[0]!.id;
    const res = await f.call('PATCH', `${PB}/main`, {
      body: { allowed_to_push: [{ id: 501, _destroy: true }, { deploy_key_id: 7 }], allowed_to_merge: [{ id: main.merge_access_levels[0]!.id, access_level: 30 }] },
    });
    expect(res.status).toBe(200);
    const b = res.body as GlProtectedBranch;
    expect(b.push_access_levels.map((e) => [e.id === keepId, e.access_level, e.access_level_description, e.deploy_key_id])).toEqual([
      [true, 40, 'Maintainers', null],
      [false, null, 'ci-deployer', 7],
    ]);
    expect(b.merge_access_levels.map((e) => e.access_level_description)).toEqual(['Developers + Maintainers']);
    const events = f.audits.map((a) => [a.event_name, a.change, a.from, a.to]);
    expect(events).toEqual([
      ['protected_branch_updated', 'allowed to push', ['Maintainers', 'No one'], ['Maintainers', 'ci-deployer']],
      ['protected_branch_updated', 'allowed to merge', ['Maintainers'], ['Developers + Maintainers']],
    ]);
  });

  it('PATCH duplicates answer 422 with an array message and change nothing', async () => {
    const f = makeFixture();
    const res = await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ access_level: 40 }], allow_force_push: true } });
    expect(res).toEqual({ status: 422, body: { message: ['Push access levels access level has already been taken'] } });
    expect(f.project.protected_branches[0]!.push_access_levels).toHaveLength(1);
    expect(f.project.protected_branches[0]!.allow_force_push).toBe(false);
    expect(f.audits).toEqual([]);
  });

  it('PATCH with an unknown entry id answers 404 Not found', async () => {
    const f = makeFixture();
    expect(await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ id: 99999, _destroy: true }] } })).toEqual({
      status: 404,
      body: { message: '404 Not found' },
    });
  });

  it('PATCH allow_force_push audits change/from/to under its own event name', async () => {
    const f = makeFixture();
    const res = await f.call('PATCH', `${PB}/main`, { body: { allow_force_push: 'true' } });
    expect((res.body as GlProtectedBranch).allow_force_push).toBe(true);
    expect(f.audits).toEqual([
      expect.objectContaining({
        event_name: 'protected_branch_allow_force_push_updated',
        change: 'allow force push',
        from: false,
        to: true,
        target_details: 'main',
      }),
    ]);
  });

  it('Premium: user entries read access_level null with the user name; code owner approval is applied and audited', async () => {
    const f = makeFixture({ tier: 'premium' });
    f.project.members.push({ user_id: f.users.dave.id, access_level: 30 });
    const res = await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ user_id: f.users.dave.id }], code_owner_approval_required: true } });
    const b = res.body as GlProtectedBranch;
    expect(b.code_owner_approval_required).toBe(true);
    expect(b.push_access_levels[1]).toEqual({ id: expect.any(Number), access_level: null, access_level_description: 'Dave Developer', user_id: 4, group_id: null, deploy_key_id: null });
    expect(f.audits.map((a) => a.event_name)).toEqual(['protected_branch_code_owner_approval_required_updated', 'protected_branch_updated']);
  });

  it('Free EE: role entries apply, user/group entries fail 422 "must be blank", code owner flag is ignored', async () => {
    const f = makeFixture({ tier: 'free' });
    const bad = await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ user_id: 4 }], allowed_to_merge: [{ group_id: 10 }] } });
    expect(bad).toEqual({ status: 422, body: { message: ['Push access levels user must be blank', 'Merge access levels group must be blank'] } });
    const ok = await f.call('PATCH', `${PB}/main`, { body: { allowed_to_merge: [{ access_level: 30 }], code_owner_approval_required: true } });
    const b = ok.body as GlProtectedBranch;
    expect(b.merge_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
    expect(b.code_owner_approval_required).toBe(false);
  });

  // lib/api/helpers/protected_branches_helpers.rb: CE declares allow_force_push and allowed_to_push[deploy_key_id]
  // only (optional_params_ee is empty); ProtectedRefs::AccessLevelParams keeps deploy-key entries. CE's own
  // API::Entities::ProtectedRefAccess exposes deploy_key_id where the table has it (push entries).
  it('CE: PATCH takes allow_force_push and deploy-key push entries; access levels, ids and _destroy are dropped with 200', async () => {
    const f = makeFixture({ edition: 'ce' });
    const id = f.project.protected_branches.find((b) => b.name === 'main')!.push_access_levels[0]!.id;
    const res = await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ access_level: 30 }, { id, _destroy: true }], allow_force_push: true } });
    expect(res.status).toBe(200);
    const b = res.body as GlProtectedBranch;
    expect(b.allow_force_push).toBe(true);
    expect(b.push_access_levels).toEqual([{ id, access_level: 40, access_level_description: 'Maintainers', deploy_key_id: null }]);
    expect(b.merge_access_levels.every((e) => !('deploy_key_id' in e) && !('user_id' in e))).toBe(true);
    expect('code_owner_approval_required' in b).toBe(false);
    const withKey = (await f.call('PATCH', `${PB}/main`, { body: { allowed_to_push: [{ deploy_key_id: 7 }] } })).body as GlProtectedBranch;
    expect(withKey.push_access_levels.map((e) => [e.access_level, e.deploy_key_id])).toEqual([[40, null], [null, 7]]);
    // POST: access-level entries of allowed_to_* are dropped, push_access_level/defaults apply; deploy keys stay.
    const created = (await f.call('POST', PB, { body: { name: 'dev', allowed_to_push: [{ access_level: 30 }] } })).body as GlProtectedBranch;
    expect(created.push_access_levels.map((e) => e.access_level)).toEqual([40]);
    const keyed = (await f.call('POST', PB, { body: { name: 'deploy', allowed_to_push: [{ deploy_key_id: 7 }] } })).body as GlProtectedBranch;
    expect(keyed.push_access_levels.map((e) => e.deploy_key_id)).toEqual([7]);
  });

  it('reads need Maintainer: a Developer gets 403, a stranger project 404', async () => {
    const f = makeFixture();
    expect(await f.call('GET', PB, { as: f.users.dave })).toEqual({ status: 403, body: { message: '403 Forbidden' } });
    expect(await f.call('GET', '/projects/999/protected_branches')).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
    expect(await f.call('GET', `${PB}/nope`)).toEqual({ status: 404, body: { message: '404 Not found' } });
  });

  it('lists by pattern with search and shows group-level branches as inherited (Premium); `*` is literal in names', async () => {
    const f = makeFixture();
    f.project.protected_branches.push(branch(f.state, 'release/*'));
    f.group.protected_branches.push(branch(f.state, 'stable'));
    const all = await f.call('GET', PB);
    expect((all.body as GlProtectedBranch[]).map((b) => [b.name, b.inherited])).toEqual([
      ['main', false],
      ['release/*', false],
      ['stable', true],
    ]);
    expect(all.headers?.['x-total']).toBe('3');
    const found = await f.call('GET', PB, { query: { search: 'RELEASE' } });
    expect((found.body as GlProtectedBranch[]).map((b) => b.name)).toEqual(['release/*']);
    const one = await f.call('GET', `${PB}/${encodeURIComponent('release/*')}`);
    expect((one.body as GlProtectedBranch).name).toBe('release/*');
    // Single lookups only see the project's own branches.
    expect((await f.call('GET', `${PB}/stable`)).status).toBe(404);
  });

  it('editing allowed_to_unprotect needs the caller to be allowed to unprotect (Instance admins only here -> 403 for a Maintainer)', async () => {
    const f = makeFixture();
    const main = f.project.protected_branches[0]!;
    main.unprotect_access_levels.push({ id: 777, access_level: 60, access_level_description: 'Instance admins', user_id: null, group_id: null, deploy_key_id: null });
    expect(await f.call('PATCH', `${PB}/main`, { body: { allowed_to_unprotect: [{ access_level: 40 }] } })).toEqual({ status: 403, body: { message: '403 Forbidden' } });
    const asAdmin = await f.call('PATCH', `${PB}/main`, { as: f.users.root, body: { allowed_to_unprotect: [{ id: 777, access_level: 40 }] } });
    expect((asAdmin.body as GlProtectedBranch).unprotect_access_levels.map((e) => e.access_level_description)).toEqual(['Maintainers']);
    // Unprotect lists are not part of GitLab's access-level audit (push and merge only).
    expect(f.audits).toEqual([]);
  });

  it('DELETE answers 204, audits the removal and drops the branch from approval rules', async () => {
    const f = makeFixture();
    const main = f.project.protected_branches[0]!;
    f.project.approval_rules.push({
      id: 300, name: 'Default', rule_type: 'regular', report_type: null, approvals_required: 2,
      user_ids: [], group_ids: [], protected_branch_ids: [main.id], applies_to_all_protected_branches: false,
    });
    expect(await f.call('DELETE', `${PB}/main`)).toEqual({ status: 204 });
    expect(f.project.protected_branches).toEqual([]);
    expect(f.project.approval_rules[0]!.protected_branch_ids).toEqual([]);
    expect(f.audits.map((a) => [a.event_name, a.target_details])).toEqual([['protected_branch_removed', 'main']]);
  });
});

describe('protected branches (group level)', () => {
  const GB = '/groups/10/protected_branches';

  it('Owner creates {access_level} entries; user entries 422; subgroups 404; missing name 404 ProtectedBranch', async () => {
    const f = makeFixture();
    const res = await f.call('POST', GB, { as: f.users.alice, body: { name: 'main', push_access_level: 40, merge_access_level: 40 } });
    expect(res.status).toBe(201);
    expect(f.audits[0]).toMatchObject({ event_name: 'protected_branch_created', entity_type: 'Group', entity_id: 10 });
    expect(await f.call('POST', GB, { as: f.users.alice, body: { name: 'dev', allowed_to_push: [{ user_id: 2 }] } })).toEqual({
      status: 422,
      body: { message: ['Push access levels user must be blank'] },
    });
    expect((await f.call('GET', '/groups/11/protected_branches', { as: f.users.alice })).status).toBe(404);
    expect(await f.call('GET', `${GB}/nope`, { as: f.users.alice })).toEqual({ status: 404, body: { message: '404 ProtectedBranch Not Found' } });
    expect((await f.call('GET', GB, { as: f.users.bob })).status).toBe(403);
  });

  it('is Premium (Free 403) and EE (CE unknown route 404)', async () => {
    expect(await makeFixture({ tier: 'free' }).call('GET', GB, { as: makeFixture().users.alice })).toEqual({ status: 403, body: { message: '403 Forbidden' } });
    expect(await makeFixture({ edition: 'ce' }).call('GET', GB)).toEqual({ status: 404, body: { error: '404 Not Found' } });
  });
});

describe('merge request approvals', () => {
  const AP = '/projects/20/approvals';

  it('POST answers 201, applies unlocked flags and audits author approval inverted', async () => {
    const f = makeFixture();
    const res = await f.call('POST', AP, { body: { merge_requests_author_approval: true, reset_approvals_on_push: false } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ merge_requests_author_approval: true, reset_approvals_on_push: false, approvers: [], approver_groups: [] });
    expect(f.audits.map((a) => [a.event_name, a.change, a.from, a.to])).toEqual([
      ['project_merge_requests_author_approval_updated', 'prevent merge request approval from authors', true, false],
      ['project_reset_approvals_on_push_updated', 'require new approvals when new commits are added to an MR', true, false],
    ]);
  });

  it('POST silently keeps flags the group locks: 201 with the old values and no audit event', async () => {
    const f = makeFixture();
    f.group.approval_locks.merge_requests_author_approval = true;
    const res = await f.call('POST', AP, { body: { merge_requests_author_approval: true } });
    expect(res.status).toBe(201);
    expect((res.body as { merge_requests_author_approval: boolean }).merge_requests_author_approval).toBe(false);
    expect(f.project.approvals.merge_requests_author_approval).toBe(false);
    expect(f.audits).toEqual([]);
  });

  it('GET shows effective values: the instance author lock overrides the project', async () => {
    const f = makeFixture();
    f.project.approvals.merge_requests_author_approval = true;
    f.state.application_settings.prevent_merge_requests_author_approval = true;
    const res = await f.call('GET', AP);
    expect((res.body as { merge_requests_author_approval: boolean }).merge_requests_author_approval).toBe(false);
  });

  it('selective_code_owner_removals with reset_approvals_on_push answers 400; no params answers 400', async () => {
    const f = makeFixture();
    const res = await f.call('POST', AP, { body: { selective_code_owner_removals: true } });
    expect(res.status).toBe(400);
    expect(f.project.approvals.selective_code_owner_removals).toBe(false);
    const none = await f.call('POST', AP, { body: {} });
    expect(none.status).toBe(400);
    expect((none.body as { error: string }).error).toMatch(/are missing, at least one parameter must be provided$/);
  });

  it('/approvals is an EE route: CE answers unknown-route 404', async () => {
    expect(await makeFixture({ edition: 'ce' }).call('GET', AP)).toEqual({ status: 404, body: { error: '404 Not Found' } });
  });
});

describe('approval rules', () => {
  const R = '/projects/20/approval_rules';

  it('unlicensed EE answers 403, CE 404', async () => {
    expect(await makeFixture({ tier: 'free' }).call('GET', R)).toEqual({ status: 403, body: { message: '403 Forbidden' } });
    expect(await makeFixture({ edition: 'ce' }).call('GET', R)).toEqual({ status: 404, body: { error: '404 Not Found' } });
  });

  it('POST returns the full rule with protected branches as objects and eligible approvers', async () => {
    const f = makeFixture();
    const mainId = f.project.protected_branches[0]!.id;
    const res = await f.call('POST', R, { body: { name: 'Security', approvals_required: 2, user_ids: [3], usernames: ['dave'], protected_branch_ids: [mainId, 123456] } });
    expect(res.status).toBe(201);
    const rule = res.body as GlApprovalRule;
    expect(rule).toMatchObject({ name: 'Security', rule_type: 'regular', approvals_required: 2, applies_to_all_protected_branches: false, contains_hidden_groups: false });
    expect(rule.users.map((u) => u.username)).toEqual(['bob', 'dave']);
    expect(rule.eligible_approvers.map((u) => u.id)).toEqual([3, 4]);
    expect(rule.protected_branches!.map((b) => [b.id, b.name, b.push_access_levels[0]!.access_level])).toEqual([[mainId, 'main', 40]]);
    expect(f.audits.map((a) => [a.event_name, a.target_details])).toEqual([['approval_rule_created', 'Security']]);
    expect(await f.call('POST', R, { body: {} })).toEqual({ status: 400, body: { error: 'name is missing, approvals_required is missing' } });
  });

  it('only one any_approver rule per project', async () => {
    const f = makeFixture();
    expect((await f.call('POST', R, { body: { name: 'Any', approvals_required: 1, rule_type: 'any_approver' } })).status).toBe(201);
    expect(await f.call('POST', R, { body: { name: 'Any 2', approvals_required: 1, rule_type: 'any_approver' } })).toEqual({
      status: 400,
      body: { message: { rule_type: ['any-approver for the project already exists'] } },
    });
  });

  it('PUT without applies_to_all_protected_branches resets it to false (17.x/18.x quirk) and audits the count', async () => {
    const f = makeFixture();
    const created = (await f.call('POST', R, { body: { name: 'All', approvals_required: 1, applies_to_all_protected_branches: true } })).body as GlApprovalRule;
    expect(created.applies_to_all_protected_branches).toBe(true);
    const res = await f.call('PUT', `${R}/${created.id}`, { body: { approvals_required: 2 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ approvals_required: 2, applies_to_all_protected_branches: false, protected_branches: [] });
    expect(f.audits[1]).toMatchObject({ event_name: 'update_approval_rules', change: 'number of required approvals', from: 1, to: 2 });
    expect(await f.call('DELETE', `${R}/${created.id}`)).toEqual({ status: 204 });
    expect(f.audits[2]).toMatchObject({ event_name: 'approval_rule_deleted', target_details: 'All' });
    expect(await f.call('DELETE', `${R}/${created.id}`)).toEqual({ status: 404, body: { message: '404 Not found' } });
  });
});

describe('merge_request_approval_setting', () => {
  it('project settings invert three names and show the group lock', async () => {
    const f = makeFixture();
    f.group.approval_locks.reset_approvals_on_push = true;
    const res = await f.call('GET', '/projects/20/merge_request_approval_setting');
    expect(res.body).toMatchObject({
      allow_author_approval: { value: false, locked: false, inherited_from: null },
      allow_committer_approval: { value: false, locked: false, inherited_from: null },
      allow_overrides_to_approver_list_per_merge_request: { value: false, locked: false, inherited_from: null },
      retain_approvals_on_push: { value: false, locked: true, inherited_from: 'group' },
    });
  });

  it('project PUT takes plain booleans and answers 200 wrapped; locked keys are kept', async () => {
    const f = makeFixture();
    f.state.application_settings.prevent_merge_requests_committers_approval = true;
    const res = await f.call('PUT', '/projects/20/merge_request_approval_setting', { body: { allow_committer_approval: true, retain_approvals_on_push: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      allow_committer_approval: { value: false, locked: true, inherited_from: 'instance' },
      retain_approvals_on_push: { value: true, locked: false, inherited_from: null },
    });
    expect(f.project.approvals.reset_approvals_on_push).toBe(false);
    expect(f.audits.map((a) => [a.event_name, a.from, a.to])).toEqual([['project_reset_approvals_on_push_updated', true, false]]);
  });

  it('group settings need Owner and audit group event names with "prevent" polarity', async () => {
    const f = makeFixture();
    expect((await f.call('GET', '/groups/10/merge_request_approval_setting')).status).toBe(403);
    const res = await f.call('PUT', '/groups/10/merge_request_approval_setting', { as: f.users.alice, body: { allow_author_approval: true, allow_committer_approval: true } });
    expect(res.body).toMatchObject({ allow_author_approval: { value: true, locked: false, inherited_from: null }, allow_committer_approval: { value: true } });
    expect(f.audits.map((a) => [a.event_name, a.change, a.from, a.to, a.entity_type])).toEqual([
      ['allow_author_approval_updated', 'prevent merge request approval from authors', true, false, 'Group'],
      ['allow_committer_approval_updated', 'prevent merge request approval from committers', true, false, 'Group'],
    ]);
  });
});

describe('hooks', () => {
  const H = '/projects/20/hooks';

  it('POST 201 never returns the token; url_variables read as keys; audit names the hook id', async () => {
    const f = makeFixture();
    const res = await f.call('POST', H, {
      body: { url: 'https://hooks.acme.example/x', token: 's3cret', merge_requests_events: true, url_variables: [{ key: 'team', value: 'sec' }] },
    });
    expect(res.status).toBe(201);
    const h = res.body as GlHook;
    expect(JSON.stringify(h)).not.toContain('s3cret');
    expect('token' in h).toBe(false);
    expect(h).toMatchObject({ url: 'https://hooks.acme.example/x', project_id: 20, push_events: true, merge_requests_events: true, enable_ssl_verification: true, alert_status: 'executable', url_variables: [{ key: 'team' }] });
    expect(JSON.stringify(h)).not.toContain('"sec"');
    expect(f.audits).toEqual([expect.objectContaining({ event_name: 'webhook_created', target_details: `Hook ${h.id}`, target_type: 'ProjectHook' })]);
  });

  it('PUT needs url, a new url drops the token, edits are not audited; DELETE 204 audits', async () => {
    const f = makeFixture();
    const h = (await f.call('POST', H, { body: { url: 'https://a.example/h', token: 't' } })).body as GlHook;
    expect(await f.call('PUT', `${H}/${h.id}`, { body: { enable_ssl_verification: false } })).toEqual({ status: 400, body: { error: 'url is missing' } });
    const same = await f.call('PUT', `${H}/${h.id}`, { body: { url: 'https://a.example/h', enable_ssl_verification: false } });
    expect((same.body as GlHook).enable_ssl_verification).toBe(false);
    expect(f.project.hooks[0]!.token).toBe('t');
    await f.call('PUT', `${H}/${h.id}`, { body: { url: 'https://b.example/h' } });
    expect(f.project.hooks[0]!.token).toBeUndefined();
    expect(f.audits.map((a) => a.event_name)).toEqual(['webhook_created']);
    expect(await f.call('DELETE', `${H}/${h.id}`)).toEqual({ status: 204 });
    expect(f.audits.map((a) => [a.event_name, a.target_details])).toEqual([['webhook_created', `Hook ${h.id}`], ['webhook_destroyed', `Hook ${h.id}`]]);
  });

  it('project hooks need Maintainer; group hooks need Owner, Premium and EE', async () => {
    const f = makeFixture();
    expect((await f.call('GET', H, { as: f.users.dave })).status).toBe(403);
    expect((await f.call('GET', '/groups/10/hooks')).status).toBe(403);
    const created = await f.call('POST', '/groups/10/hooks', { as: f.users.alice, body: { url: 'https://g.example/h', subgroup_events: true } });
    expect(created.body).toMatchObject({ group_id: 10, subgroup_events: true, member_events: false });
    const free = makeFixture({ tier: 'free' });
    expect(await free.call('GET', '/groups/10/hooks', { as: free.users.alice })).toEqual({ status: 403, body: { message: '403 Forbidden' } });
    expect(await makeFixture({ edition: 'ce' }).call('GET', '/groups/10/hooks')).toEqual({ status: 404, body: { error: '404 Not Found' } });
  });
});

describe('variables', () => {
  const V = '/projects/20/variables';

  it('masked_and_hidden creates a hidden variable whose value reads null', async () => {
    const f = makeFixture();
    const res = await f.call('POST', V, { body: { key: 'DEPLOY_TOKEN', value: 'abcdefgh1234', masked_and_hidden: true, protected: true } });
    expect(res).toEqual({
      status: 201,
      body: { variable_type: 'env_var', key: 'DEPLOY_TOKEN', value: null, hidden: true, protected: true, masked: true, raw: false, environment_scope: '*', description: null },
    });
    expect((await f.call('GET', `${V}/DEPLOY_TOKEN`)).body).toMatchObject({ value: null, hidden: true });
    expect(f.audits).toEqual([expect.objectContaining({ event_name: 'ci_variable_created', target_details: 'DEPLOY_TOKEN', custom_message: 'Added ci variable' })]);
  });

  it('validates keys, duplicates and masked values', async () => {
    const f = makeFixture();
    expect(await f.call('POST', V, { body: { key: 'BAD-KEY', value: 'x' } })).toEqual({ status: 400, body: { message: { key: ["can contain only letters, digits and '_'."] } } });
    await f.call('POST', V, { body: { key: 'A', value: '1' } });
    expect(await f.call('POST', V, { body: { key: 'A', value: '2' } })).toEqual({ status: 400, body: { message: { key: ['(A) has already been taken'] } } });
    expect(await f.call('POST', V, { body: { key: 'B', value: 'short', masked: true } })).toEqual({ status: 400, body: { message: { value: ['is invalid'] } } });
  });

  it('a key in several scopes needs filter[environment_scope]', async () => {
    const f = makeFixture();
    await f.call('POST', V, { body: { key: 'K', value: '1', environment_scope: 'production' } });
    await f.call('POST', V, { body: { key: 'K', value: '2', environment_scope: 'staging' } });
    expect(await f.call('GET', `${V}/K`)).toEqual({
      status: 409,
      body: { message: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'" },
    });
    const one = await f.call('GET', `${V}/K`, { query: { 'filter[environment_scope]': 'staging' } });
    expect((one.body as GlVariable).value).toBe('2');
    expect(await f.call('DELETE', `${V}/K`, { body: { filter: { environment_scope: 'production' } } })).toEqual({ status: 204 });
    expect(f.project.variables.map((v) => v.environment_scope)).toEqual(['staging']);
    expect(await f.call('GET', `${V}/NOPE`)).toEqual({ status: 404, body: { message: '404 Variable Not Found' } });
  });

  it('updates audit masked/protected with change/from/to and never the value', async () => {
    const f = makeFixture();
    await f.call('POST', V, { body: { key: 'API_KEY', value: 'abcdefgh' } });
    await f.call('PUT', `${V}/API_KEY`, { body: { masked: true, protected: 'true', value: 'ijklmnop' } });
    expect(f.audits.slice(1).map((a) => [a.event_name, a.change, a.from, a.to, a.custom_message])).toEqual([
      ['ci_variable_updated', 'variable protection', false, true, 'Changed variable protection from false to true'],
      ['ci_variable_updated', 'variable masking', false, true, 'Changed variable masking from false to true'],
      ['ci_variable_updated', undefined, undefined, undefined, 'Changed value(hidden)'],
    ]);
    expect(JSON.stringify(f.audits)).not.toContain('ijklmnop');
  });

  it('group variables need Owner; on Free the environment scope is dropped', async () => {
    const f = makeFixture({ tier: 'free' });
    expect((await f.call('GET', '/groups/10/variables')).status).toBe(403);
    const res = await f.call('POST', '/groups/10/variables', { as: f.users.alice, body: { key: 'G', value: 'v', environment_scope: 'prod' } });
    expect(res.body).toMatchObject({ key: 'G', environment_scope: '*' });
    expect(f.audits[0]).toMatchObject({ event_name: 'ci_group_variable_created', entity_type: 'Group', custom_message: 'Added ci group variable' });
  });
});

describe('job token scope', () => {
  const J = '/projects/20/job_token_scope';

  // lib/api/ci/job_token_scope.rb -> Projects::UpdateService: the REST change is not audited (only GraphQL is).
  it('GET reads both flags; PATCH answers 204 with no body and records no audit event', async () => {
    const f = makeFixture();
    expect(await f.call('GET', J)).toEqual({ status: 200, body: { inbound_enabled: true, outbound_enabled: false } });
    expect(await f.call('PATCH', J, { body: { enabled: false } })).toEqual({ status: 204 });
    expect(await f.call('PATCH', J, { body: { enabled: false } })).toEqual({ status: 204 });
    expect(f.project.job_token_scope.inbound_enabled).toBe(false);
    expect(f.audits).toEqual([]);
    expect((await f.call('GET', J, { as: f.users.dave })).status).toBe(403);
  });

  it('allowlists: POST 201 with ids, DELETE 204, both audited', async () => {
    const f = makeFixture();
    expect(await f.call('POST', `${J}/allowlist`, { body: { target_project_id: 21 } })).toEqual({ status: 201, body: { source_project_id: 20, target_project_id: 21 } });
    expect(((await f.call('GET', `${J}/allowlist`)).body as { path_with_namespace: string }[]).map((p) => p.path_with_namespace)).toEqual(['acme/platform/api']);
    expect(await f.call('POST', `${J}/groups_allowlist`, { body: { target_group_id: 11 } })).toEqual({ status: 201, body: { source_project_id: 20, target_group_id: 11 } });
    expect(await f.call('DELETE', `${J}/allowlist/21`)).toEqual({ status: 204 });
    expect(await f.call('DELETE', `${J}/groups_allowlist/11`)).toEqual({ status: 204 });
    expect(f.audits.map((a) => [a.event_name, a.target_details])).toEqual([
      ['secure_ci_job_token_project_added', 'acme/platform/api'],
      ['secure_ci_job_token_group_added', 'acme/platform'],
      ['secure_ci_job_token_project_removed', 'acme/platform/api'],
      ['secure_ci_job_token_group_removed', 'acme/platform'],
    ]);
  });
});
