// groups.*: lib/api/entities/group.rb (project_creation_level, subgroup_creation_level,
// default_branch_protection_defaults as default_branch_protection_settings) and
// ee/lib/ee/api/entities/group_detail.rb (prevent_forking_outside_group, GroupDetail only).
import { describe, expect, it } from 'vitest';
import type { GlGroup } from '../../gitlab/types';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import {
  groupsDefaultBranchProtection,
  groupsPreventForkingOutside,
  groupsProjectCreation,
  groupsSubgroupCreation,
} from '../../policies/groups';
import { GROUP_TARGET, complete, ctx, glGroup, group, params } from './helpers';

const p = params('groups');

describe('groups.prevent-forking-outside', () => {
  const off: FindingDraft = { setting: 'prevent_forking_outside_group', expected: true, actual: false, message: 'Projects of group acme can be forked to namespaces outside it' };
  it.each<[string, Partial<GlGroup>, boolean, RuleOutcome]>([
    ['prevented', { prevent_forking_outside_group: true }, true, []],
    ['allowed on the top-level group', { prevent_forking_outside_group: false }, true, [off]],
    ['absent on the top-level group (CE)', {}, true, { skip: 'prevent_forking_outside_group not returned by GET /groups/:id (EE only)' }],
    ['absent on a listed subgroup: inherits the top-level value', {}, false, []],
  ])('%s', (_n, over, topLevel, want) => {
    expect(groupsPreventForkingOutside.evaluate(group({ topLevel, group: glGroup(over) }), p, ctx)).toEqual(want);
  });
  it('is Premium and fixed with PUT /groups/:id', () => {
    expect(groupsPreventForkingOutside.minTier).toBe('premium');
    expect(groupsPreventForkingOutside.fix(complete(groupsPreventForkingOutside, GROUP_TARGET, off), p)).toEqual({ method: 'PUT', path: '/groups/100', body: { prevent_forking_outside_group: true } });
  });
});

describe('groups.project-creation / groups.subgroup-creation', () => {
  it.each([
    ['noone', 'maintainer', 0],
    ['owner', 'maintainer', 0],
    ['maintainer', 'maintainer', 0],
    ['developer', 'maintainer', 1],
    ['maintainer', 'owner', 1],
    ['administrator', 'noone', 1],
  ])('project_creation_level %s with max %s: %i finding(s)', (level, max, n) => {
    const out = groupsProjectCreation.evaluate(group({ group: glGroup({ project_creation_level: level }) }), params('groups', { max_project_creation_level: max as never }), ctx);
    expect(out).toHaveLength(n);
  });
  it('developer creation: finding and fix', () => {
    const [f] = groupsProjectCreation.evaluate(group({ group: glGroup({ project_creation_level: 'developer' }) }), p, ctx) as FindingDraft[];
    expect(f).toEqual({
      setting: 'project_creation_level',
      expected: 'maintainer',
      actual: 'developer',
      message: 'Group acme lets developer role and above create projects; the baseline allows maintainer at most',
    });
    expect(groupsProjectCreation.fix(complete(groupsProjectCreation, GROUP_TARGET, f!), p)).toEqual({ method: 'PUT', path: '/groups/100', body: { project_creation_level: 'maintainer' } });
  });
  it('subgroup_creation_level maintainer passes the baseline, fails the hardened owner', () => {
    const g = group({ group: glGroup({ subgroup_creation_level: 'maintainer' }) });
    expect(groupsSubgroupCreation.evaluate(g, p, ctx)).toEqual([]);
    const hardened = params('groups', { max_subgroup_creation_level: 'owner' });
    const [f] = groupsSubgroupCreation.evaluate(g, hardened, ctx) as FindingDraft[];
    expect(f).toMatchObject({ setting: 'subgroup_creation_level', expected: 'owner', actual: 'maintainer' });
    expect(groupsSubgroupCreation.fix(complete(groupsSubgroupCreation, GROUP_TARGET, f!), hardened)).toEqual({ method: 'PUT', path: '/groups/100', body: { subgroup_creation_level: 'owner' } });
  });
  it('an unknown level is an error (runRule: failed, exit 2), never a pass or a quiet skip', () => {
    expect(() => groupsSubgroupCreation.evaluate(group({ group: glGroup({ subgroup_creation_level: 'everyone' }) }), p, ctx)).toThrow(
      'subgroup_creation_level "everyone" is not a level this version knows (known: owner, maintainer)',
    );
  });
  it('null (GitLab names every level it stores: GroupAPICompatibility#project_creation_level_str) is an error too', () => {
    expect(() => groupsSubgroupCreation.evaluate(group({ group: glGroup({ subgroup_creation_level: null as never }) }), p, ctx)).toThrow(
      'subgroup_creation_level is null (a level GitLab has no name for)',
    );
  });
});

describe('groups.default-branch-protection (default_branch_protection_defaults)', () => {
  const full = { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false };
  it.each<[string, GlGroup['default_branch_protection_defaults'], string[]]>([
    ['fully protected (level 2)', full, []],
    ['stricter: no one pushes', { ...full, allowed_to_push: [{ access_level: 0 }] }, []],
    // lib/gitlab/access/branch_protection.rb level 0 (not protected): developers push and merge, force push allowed.
    ['not protected (level 0)', { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 30 }], allow_force_push: true }, [
      'default_branch_protection_defaults.allowed_to_push',
      'default_branch_protection_defaults.allow_force_push',
    ]],
    ['empty hash: nothing protected', {}, ['default_branch_protection_defaults.allowed_to_push', 'default_branch_protection_defaults.allowed_to_merge']],
  ])('%s', (_n, d, settings) => {
    const out = groupsDefaultBranchProtection.evaluate(group({ group: glGroup({ default_branch_protection_defaults: d }) }), p, ctx) as FindingDraft[];
    expect(out.map((f) => f.setting)).toEqual(settings);
  });
  it('hardened merge level 40: developers merging is a finding', () => {
    const d = { ...full, allowed_to_merge: [{ access_level: 30 }] };
    const out = groupsDefaultBranchProtection.evaluate(group({ group: glGroup({ default_branch_protection_defaults: d }) }), params('groups', { default_branch_merge_access_level: 40 }), ctx);
    expect(out).toEqual([
      {
        setting: 'default_branch_protection_defaults.allowed_to_merge',
        expected: 40,
        actual: 30,
        message: 'New projects in group acme start with a default branch that accepts merges from Developers + Maintainers (30); the baseline requires Maintainers (40) or higher',
      },
    ]);
  });
  // Level 0 is Gitlab::Access::NO_ACCESS, "No one" in ProtectedRefAccess.human_access_levels
  // (app/models/concerns/protected_ref_access.rb): nobody may push or merge, the strictest entry, never the weakest.
  it('"No one" beside a role: the role is the weakest entry and the one reported', () => {
    const d = { ...full, allowed_to_push: [{ access_level: 0 }, { access_level: 30 }] };
    const [f] = groupsDefaultBranchProtection.evaluate(group({ group: glGroup({ default_branch_protection_defaults: d }) }), p, ctx) as FindingDraft[];
    expect(f).toMatchObject({ setting: 'default_branch_protection_defaults.allowed_to_push', expected: 40, actual: 30 });
    expect(f!.message).toContain('accepts pushes from Developers + Maintainers (30)');
  });
  it('a baseline requiring "No one" to push flags any role that may push', () => {
    const strict = params('groups', { default_branch_push_access_level: 0 });
    const out = groupsDefaultBranchProtection.evaluate(group({ group: glGroup({ default_branch_protection_defaults: full }) }), strict, ctx) as FindingDraft[];
    expect(out.map((f) => [f.setting, f.expected, f.actual])).toEqual([['default_branch_protection_defaults.allowed_to_push', 0, 40]]);
    const none = { ...full, allowed_to_push: [{ access_level: 0 }] };
    expect(groupsDefaultBranchProtection.evaluate(group({ group: glGroup({ default_branch_protection_defaults: none }) }), strict, ctx)).toEqual([]);
  });
  it('fix writes the whole hash with the baseline levels', () => {
    const f = complete(groupsDefaultBranchProtection, GROUP_TARGET, { setting: 'default_branch_protection_defaults.allow_force_push', expected: false, actual: true, message: 'x' });
    expect(groupsDefaultBranchProtection.fix(f, params('groups', { default_branch_merge_access_level: 40 }))).toEqual({
      method: 'PUT',
      path: '/groups/100',
      body: { default_branch_protection_defaults: full },
    });
  });
  it('absent (before GitLab 17.0): skipped', () => {
    expect(groupsDefaultBranchProtection.evaluate(group({ group: glGroup() }), p, ctx)).toEqual({ skip: 'default_branch_protection_defaults not returned (GitLab before 17.0)' });
  });
});
