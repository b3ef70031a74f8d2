// The PushRule resource's provider methods called directly, as the Pulumi engine would, against the simulator
// (push rule API: ee/lib/api/project_push_rule.rb, ee/lib/api/group_push_rule.rb).
import { describe, expect, it } from 'vitest';
import { newEvents, providerSuite } from '../helpers/pulumi-provider';
import { violationsOf } from '../../provider/crossguard/policies';

const suite = providerSuite({ scenario: 'incident' });
const { of, keep, group, project } = suite;

const CHECKS = { reject_unsigned_commits: true, prevent_secrets: true, member_check: true, commit_committer_check: true } as const;

describe('PushRule (project)', () => {
  let id: string;
  let outs: Record<string, unknown>;

  it('create on a project without a push rule POSTs one rule carrying every declared check (one POST: a second answers 422)', async () => {
    project('acme/web').push_rule = null;
    const events = suite.sim.state.audit_events.length;
    const res = keep(await of('PushRule').create({ project: 'acme/web', ...CHECKS, version: '1' }));
    id = res.id;
    outs = res.outs;
    expect(id).toBe(`project:${project('acme/web').id}:push_rule`);
    expect(project('acme/web').push_rule).toMatchObject({ ...CHECKS, deny_delete_tag: false, commit_message_regex: null });
    expect(outs).toMatchObject({ project: 'acme/web', owner_id: project('acme/web').id, exists: true, ...CHECKS });
    // Audit::PushRules::ProjectPushRulesChangesAuditor: one event per changed column.
    expect(newEvents(suite.sim, events).map((e) => e[0]).sort()).toEqual([
      'project_push_rules_commit_committer_check_updated',
      'project_push_rules_prevent_secrets_updated',
      'project_push_rules_reject_member_check_updated',
      'project_push_rules_reject_unsigned_commits_updated',
    ]);
  });

  it('read shows a check turned off in GitLab; diff reports it; update PUTs only that check back', async () => {
    project('acme/web').push_rule!.prevent_secrets = false;
    const { props } = keep(await of('PushRule').read!(id, outs));
    expect(props).toMatchObject({ prevent_secrets: false, member_check: true });
    expect(await of('PushRule').diff!(id, props!, { project: 'acme/web', ...CHECKS, version: '1' })).toMatchObject({ changes: true, fields: ['prevent_secrets'] });
    const events = suite.sim.state.audit_events.length;
    const up = keep(await of('PushRule').update!(id, props!, { project: 'acme/web', ...CHECKS, version: '1' }));
    expect(up.outs).toMatchObject({ prevent_secrets: true });
    expect(newEvents(suite.sim, events)).toEqual([['project_push_rules_prevent_secrets_updated', 'acme/web']]);
  });

  it('an undeclared check is not managed: turning it off in GitLab is no drift, and delete writes nothing', async () => {
    project('acme/web').push_rule!.member_check = false;
    const { props } = keep(await of('PushRule').read!(id, outs));
    expect(await of('PushRule').diff!(id, props!, { project: 'acme/web', prevent_secrets: true, version: '1' })).toMatchObject({ changes: false });
    const before = structuredClone(project('acme/web').push_rule);
    await of('PushRule').delete!(id, props!);
    expect(project('acme/web').push_rule).toEqual(before);
  });

  it('check refuses a check declared false, no owner, both owners, and a token input', async () => {
    const res = await of('PushRule').check!({}, { project: 'acme/web', prevent_secrets: false, token: 'x' });
    expect(res.failures?.map((f) => f.property).sort()).toEqual(['prevent_secrets', 'token']);
    expect((await of('PushRule').check!({}, { prevent_secrets: true })).failures?.[0]?.property).toBe('project');
    expect((await of('PushRule').check!({}, { group: 'acme', project: 'acme/web' })).failures?.[0]?.property).toBe('project');
  });
});

describe('PushRule (group)', () => {
  it('create on a group without a push rule POSTs one; an existing rule is PUT; the id names the group', async () => {
    group('acme').push_rule = null;
    const res = keep(await of('PushRule').create({ group: 'acme', prevent_secrets: true, member_check: true }));
    expect(res.id).toBe(`group:${group('acme').id}:push_rule`);
    expect(group('acme').push_rule).toMatchObject({ prevent_secrets: true, member_check: true, reject_unsigned_commits: false });
    group('acme').push_rule!.member_check = false;
    const events = suite.sim.state.audit_events.length;
    const again = keep(await of('PushRule').create({ group: 'acme', prevent_secrets: true, member_check: true }));
    expect(again.outs).toMatchObject({ group: 'acme', exists: true, member_check: true, prevent_secrets: true });
    expect(newEvents(suite.sim, events)).toEqual([['group_push_rules_reject_member_check_updated', 'acme']]);
  });
});

describe('PushRule CrossGuard', () => {
  const T = 'pulumi-nodejs:dynamic/gitlab:PushRule';
  it('a check declared false violates its rule against the hardened profile; true and undeclared do not', () => {
    const v = violationsOf('push-rules.prevent-secrets', T, { project: 'acme/web', prevent_secrets: false });
    expect(v.map((d) => [d.rule.id, d.finding.setting, d.finding.expected])).toEqual([['push-rules.prevent-secrets', 'prevent_secrets', true]]);
    expect(violationsOf('push-rules.prevent-secrets', T, { project: 'acme/web', prevent_secrets: true })).toEqual([]);
    expect(violationsOf('push-rules.prevent-secrets', T, { project: 'acme/web', member_check: true })).toEqual([]);
    expect(violationsOf('push-rules.member-check', T, { group: 'acme', member_check: false }).map((d) => d.finding.setting)).toEqual(['member_check']);
  });
});
