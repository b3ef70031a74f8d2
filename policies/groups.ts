// Group settings that decide what new projects and subgroups start with and who may create them
// (lib/api/entities/group.rb; prevent_forking_outside_group: ee/lib/ee/api/entities/group_detail.rb).
// Group-level resource access token creation and runner registration are not in the REST group entity, so they
// have no rule here (docs/rules.md, "Not covered").
import type { GlBranchProtectionDefaults } from '../gitlab/types';
import { defineRule, type FindingDraft } from './rule';
import type { AreaParams } from './params';
import { SCENARIOS } from './scenarios';

/** The area's other parameters when a resource declares one of them (the guarded rule reads only its own). */
const GROUP_DEFAULTS = { max_project_creation_level: 'developer', max_subgroup_creation_level: 'maintainer', default_branch_push_access_level: 0, default_branch_merge_access_level: 0 };

const PROJECT_CREATION_RANK: Record<string, number> = { noone: 0, administrator: 1, owner: 2, maintainer: 3, developer: 4 };
const SUBGROUP_CREATION_RANK: Record<string, number> = { owner: 0, maintainer: 1 };

export const groupsPreventForkingOutside = defineRule({
  id: 'groups.prevent-forking-outside',
  area: 'groups',
  title: 'Projects cannot be forked outside the group',
  description:
    'Forks to personal or other namespaces take code out of the group, its members, its audit events and its protections. The setting lives on the top-level group and covers every subgroup.',
  severity: 'medium',
  params: [],
  audit: { unavailable: 'namespace setting changes are not matched to an event name yet' },
  guards: { GroupSecurity: { fields: ['prevent_forking_outside_group'], declared: (i) => (i.prevent_forking_outside_group === true ? {} : null) } },
  scope: ['group'],
  minTier: 'premium',
  scenario: SCENARIOS.credentialExposure,
  needs: { group: ['group'] },
  evaluate: (s) => {
    if (s.kind !== 'group') return [];
    const v = s.group.prevent_forking_outside_group;
    // GroupDetail only (not the subgroup listing): subgroups inherit the top-level value, which the top-level
    // group's own finding reports.
    if (v === undefined) return s.topLevel ? { skip: 'prevent_forking_outside_group not returned by GET /groups/:id (EE only)' } : [];
    if (v) return [];
    return [
      {
        setting: 'prevent_forking_outside_group',
        expected: true,
        actual: false,
        message: `Projects of group ${s.group.full_path} can be forked to namespaces outside it`,
      },
    ];
  },
  // Only the top-level group's Owner may change it (EE GroupPolicy change_prevent_group_forking); GitLab drops the
  // key silently otherwise, which revert's re-read reports.
  fix: (f) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { prevent_forking_outside_group: true } }),
});

export const groupsProjectCreation = defineRule({
  id: 'groups.project-creation',
  area: 'groups',
  title: 'Only trusted roles create projects',
  description:
    'Whoever may create projects in a group may create public ones, add their own webhooks and CI variables there, and move code out of review.',
  severity: 'low',
  params: ['max_project_creation_level'],
  audit: { events: ['group_project_creation_level_updated'], match: 'entity' },
  guards: {
    GroupSecurity: { fields: ['project_creation_level'], declared: (i) => (i.project_creation_level ? { ...GROUP_DEFAULTS, max_project_creation_level: i.project_creation_level } : null) },
  },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group') return [];
    const level = s.group.project_creation_level;
    if (level == null || PROJECT_CREATION_RANK[level] === undefined) return { skip: `project_creation_level ${String(level)} not understood` };
    if (PROJECT_CREATION_RANK[level]! <= PROJECT_CREATION_RANK[params.max_project_creation_level]!) return [];
    return [
      {
        setting: 'project_creation_level',
        expected: params.max_project_creation_level,
        actual: level,
        message: `Group ${s.group.full_path} lets ${level} role and above create projects; the baseline allows ${params.max_project_creation_level} at most`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { project_creation_level: params.max_project_creation_level } }),
});

export const groupsSubgroupCreation = defineRule({
  id: 'groups.subgroup-creation',
  area: 'groups',
  title: 'Only trusted roles create subgroups',
  description: 'A subgroup creator becomes its Owner and can loosen its settings, add members and invite other groups.',
  severity: 'low',
  params: ['max_subgroup_creation_level'],
  audit: { unavailable: 'GitLab does not audit subgroup_creation_level under an event name of its own' },
  guards: {
    GroupSecurity: { fields: ['subgroup_creation_level'], declared: (i) => (i.subgroup_creation_level ? { ...GROUP_DEFAULTS, max_subgroup_creation_level: i.subgroup_creation_level } : null) },
  },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group') return [];
    const level = s.group.subgroup_creation_level;
    if (level == null || SUBGROUP_CREATION_RANK[level] === undefined) return { skip: `subgroup_creation_level ${String(level)} not understood` };
    if (SUBGROUP_CREATION_RANK[level]! <= SUBGROUP_CREATION_RANK[params.max_subgroup_creation_level]!) return [];
    return [
      {
        setting: 'subgroup_creation_level',
        expected: params.max_subgroup_creation_level,
        actual: level,
        message: `Group ${s.group.full_path} lets ${level}s create subgroups; the baseline allows ${params.max_subgroup_creation_level}s at most`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { subgroup_creation_level: params.max_subgroup_creation_level } }),
});

/**
 * default_branch_protection_defaults (group or instance) against the baseline: every push and merge level at or
 * above the params, no force push. An empty hash is GitLab's "not protected" (BranchProtection with no keys).
 */
export function judgeBranchProtectionDefaults(d: GlBranchProtectionDefaults | undefined, params: AreaParams<'groups'>, where: string): FindingDraft[] {
  const push = (d?.allowed_to_push ?? []).map((e) => e.access_level);
  const merge = (d?.allowed_to_merge ?? []).map((e) => e.access_level);
  const weak = (levels: number[], min: number) => levels.length === 0 || levels.some((l) => l !== 0 && l < min);
  const out: FindingDraft[] = [];
  if (weak(push, params.default_branch_push_access_level)) {
    out.push({
      setting: 'default_branch_protection_defaults.allowed_to_push',
      expected: params.default_branch_push_access_level,
      actual: push.length === 0 ? null : Math.min(...push),
      message: `New projects in ${where} start with a default branch that ${push.length === 0 ? 'is not protected against pushes' : `accepts pushes from access level ${Math.min(...push)}`}; the baseline requires ${params.default_branch_push_access_level} or higher`,
    });
  }
  if (weak(merge, params.default_branch_merge_access_level)) {
    out.push({
      setting: 'default_branch_protection_defaults.allowed_to_merge',
      expected: params.default_branch_merge_access_level,
      actual: merge.length === 0 ? null : Math.min(...merge),
      message: `New projects in ${where} start with a default branch that ${merge.length === 0 ? 'has no merge restriction' : `accepts merges from access level ${Math.min(...merge)}`}; the baseline requires ${params.default_branch_merge_access_level} or higher`,
    });
  }
  if (d?.allow_force_push === true) {
    out.push({
      setting: 'default_branch_protection_defaults.allow_force_push',
      expected: false,
      actual: true,
      message: `New projects in ${where} start with force push allowed on the default branch`,
    });
  }
  return out;
}

/** The hash a fix writes: the baseline's levels, no force push, no initial push by developers. */
export function branchProtectionDefaultsFor(params: AreaParams<'groups'>): GlBranchProtectionDefaults {
  return {
    allowed_to_push: [{ access_level: params.default_branch_push_access_level }],
    allowed_to_merge: [{ access_level: params.default_branch_merge_access_level }],
    allow_force_push: false,
    developer_can_initial_push: false,
  };
}

export const groupsDefaultBranchProtection = defineRule({
  id: 'groups.default-branch-protection',
  area: 'groups',
  title: 'New projects start with a protected default branch',
  description:
    "The group's default branch protection is what every new project gets before anyone configures it; a weak default leaves new repositories open to direct and force pushes.",
  severity: 'medium',
  params: ['default_branch_push_access_level', 'default_branch_merge_access_level'],
  audit: { unavailable: 'namespace setting changes are not matched to an event name yet' },
  guards: {
    GroupSecurity: {
      fields: ['default_branch_protection_defaults'],
      declared: (i) => {
        const d = i.default_branch_protection_defaults;
        if (!d) return null;
        // The weakest declared level is the minimum live levels must meet (0 "No one" passes any live level here).
        const min = (l: { access_level: number }[]) => (l.length > 0 ? Math.min(...l.map((e) => e.access_level)) : 40);
        return { ...GROUP_DEFAULTS, default_branch_push_access_level: min(d.allowed_to_push), default_branch_merge_access_level: min(d.allowed_to_merge) };
      },
    },
  },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group') return [];
    const d = s.group.default_branch_protection_defaults;
    if (d === undefined) return { skip: 'default_branch_protection_defaults not returned (GitLab before 17.0)' };
    return judgeBranchProtectionDefaults(d, params, `group ${s.group.full_path}`);
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { default_branch_protection_defaults: branchProtectionDefaultsFor(params) } }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [groupsPreventForkingOutside, groupsProjectCreation, groupsSubgroupCreation, groupsDefaultBranchProtection] as const;
