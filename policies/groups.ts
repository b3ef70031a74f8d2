// Group settings that decide what new projects and subgroups start with and who may create them
// (lib/api/entities/group.rb; prevent_forking_outside_group: ee/lib/ee/api/entities/group_detail.rb).
// Group-level resource access token creation and runner registration are not in the REST group entity, so they
// have no rule here (docs/rules.md, "Not covered").
import { humanizeAccessLevel, strictness, weakestLevel } from '../gitlab/access-levels';
import type { GlBranchProtectionDefaults, Tier } from '../gitlab/types';
import { defineRule, type FindingDraft, type GroupSubject, type Rule, type RuleOutcome } from './rule';
import type { AreaParams } from './params';
import { SCENARIOS } from './scenarios';

type Params = AreaParams<'groups'>;

/** The area's other parameters when a resource declares one of them (the guarded rule reads only its own). */
const GROUP_DEFAULTS = { max_project_creation_level: 'developer', max_subgroup_creation_level: 'maintainer', default_branch_push_access_level: 0, default_branch_merge_access_level: 0 };

/** What a group-settings rule declares itself; groupRule adds the group scope, the GET /groups/:id read and the PUT. */
type GroupRuleSpec<Id extends string> = Omit<Rule<'groups'>, 'id' | 'area' | 'scope' | 'minTier' | 'needs' | 'evaluate' | 'fix'> & {
  id: Id;
  /** Default free. */
  minTier?: Tier;
  /** Called for group subjects only. */
  evaluate: (s: GroupSubject, params: Params) => RuleOutcome;
  /** The body of PUT /groups/:id that brings the group back to the baseline. */
  write: (params: Params) => Record<string, unknown>;
};

function groupRule<const Id extends string>({ minTier = 'free', evaluate, write, ...spec }: GroupRuleSpec<Id>): Rule<'groups'> & { id: Id } {
  return defineRule<'groups', Id>({
    ...spec,
    area: 'groups',
    scope: ['group'],
    minTier,
    needs: { group: ['group'] },
    evaluate: (s, params) => (s.kind === 'group' ? evaluate(s, params) : []),
    fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: write(params) }),
  });
}

/**
 * Who may create projects or subgroups: GitLab's level names ranked from closed to open (Gitlab::Access
 * project_creation_string_values, subgroup_creation_string_values). A level more open than the baseline's is a
 * finding; a name not in the ranking cannot be judged.
 */
function creationLevelRule<const Id extends string>({
  key,
  param,
  rank,
  message,
  ...spec
}: Omit<GroupRuleSpec<Id>, 'params' | 'guards' | 'evaluate' | 'write'> & {
  key: 'project_creation_level' | 'subgroup_creation_level';
  param: 'max_project_creation_level' | 'max_subgroup_creation_level';
  rank: Record<string, number>;
  message: (group: string, level: string, max: string) => string;
}): Rule<'groups'> & { id: Id } {
  return groupRule<Id>({
    ...spec,
    params: [param],
    guards: { GroupSecurity: { fields: [key], declared: (i) => (i[key] ? { ...GROUP_DEFAULTS, [param]: i[key] } : null) } },
    evaluate: (s, params) => {
      const level = s.group[key];
      // GitLab resolves an unset level to the instance default before naming it (Group#project_creation_level,
      // GroupAPICompatibility#project_creation_level_str), so null means a stored level without a name. Neither it nor a
      // name this version does not know (a newer GitLab) can be judged: an error (exit 2), never a pass or a quiet skip.
      if (level == null || rank[level] === undefined) {
        throw new Error(`${key} ${level == null ? 'is null (a level GitLab has no name for)' : `"${level}" is not a level this version knows`} (known: ${Object.keys(rank).join(', ')}); set it in the group's settings, or upgrade gitlab-posture`);
      }
      if (rank[level]! <= rank[params[param]]!) return [];
      return [{ setting: key, expected: params[param], actual: level, message: message(s.group.full_path, level, params[param]) }];
    },
    write: (params) => ({ [key]: params[param] }),
  });
}


/** A level as GitLab names it, with the number the baseline takes: "Developers + Maintainers (30)". */
const levelName = (level: number): string => `${humanizeAccessLevel(level)} (${level})`;
export const groupsPreventForkingOutside = groupRule({
  id: 'groups.prevent-forking-outside',
  title: 'Projects cannot be forked outside the group',
  description:
    'Forks to personal or other namespaces take code out of the group, its members, its audit events and its protections. The setting lives on the top-level group and covers every subgroup.',
  severity: 'medium',
  params: [],
  audit: { unavailable: 'namespace setting changes are not matched to an event name yet' },
  guards: { GroupSecurity: { fields: ['prevent_forking_outside_group'], declared: (i) => (i.prevent_forking_outside_group === true ? {} : null) } },
  minTier: 'premium',
  scenario: SCENARIOS.credentialExposure,
  evaluate: (s) => {
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
  write: () => ({ prevent_forking_outside_group: true }),
});

export const groupsProjectCreation = creationLevelRule({
  id: 'groups.project-creation',
  title: 'Only trusted roles create projects',
  description:
    'Whoever may create projects in a group may create public ones, add their own webhooks and CI variables there, and move code out of review.',
  severity: 'low',
  audit: { events: ['group_project_creation_level_updated'], match: 'entity' },
  scenario: SCENARIOS.misconfiguredSettings,
  key: 'project_creation_level',
  param: 'max_project_creation_level',
  rank: { noone: 0, administrator: 1, owner: 2, maintainer: 3, developer: 4 },
  message: (group, level, max) => `Group ${group} lets ${level} role and above create projects; the baseline allows ${max} at most`,
});

export const groupsSubgroupCreation = creationLevelRule({
  id: 'groups.subgroup-creation',
  title: 'Only trusted roles create subgroups',
  description: 'A subgroup creator becomes its Owner and can loosen its settings, add members and invite other groups.',
  severity: 'low',
  audit: { unavailable: 'GitLab does not audit subgroup_creation_level under an event name of its own' },
  scenario: SCENARIOS.misconfiguredSettings,
  key: 'subgroup_creation_level',
  param: 'max_subgroup_creation_level',
  rank: { owner: 0, maintainer: 1 },
  message: (group, level, max) => `Group ${group} lets ${level}s create subgroups; the baseline allows ${max}s at most`,
});

/**
 * default_branch_protection_defaults (group or instance) against the baseline: every push and merge level at or
 * above the params, no force push. An empty hash is GitLab's "not protected" (BranchProtection with no keys).
 */
/** The two lists of default branch protection, as a finding names them. */
const PROTECTION_LISTS = [
  { list: 'allowed_to_push', param: 'default_branch_push_access_level', none: 'is not protected against pushes', what: 'pushes' },
  { list: 'allowed_to_merge', param: 'default_branch_merge_access_level', none: 'has no merge restriction', what: 'merges' },
] as const;

export function judgeBranchProtectionDefaults(d: GlBranchProtectionDefaults | undefined, params: Params, where: string): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { list, param, none, what } of PROTECTION_LISTS) {
    const levels = (d?.[list] ?? []).map((e) => e.access_level);
    const min = params[param];
    const weakest = levels.length === 0 ? null : weakestLevel(levels);
    // "No one" (0) is the strictest level, not the weakest.
    if (weakest !== null && strictness(weakest) >= strictness(min)) continue;
    out.push({
      setting: `default_branch_protection_defaults.${list}`,
      expected: min,
      actual: weakest,
      message: `New projects in ${where} start with a default branch that ${weakest === null ? none : `accepts ${what} from ${levelName(weakest)}`}; the baseline requires ${levelName(min)} or higher`,
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
export function branchProtectionDefaultsFor(params: Params): GlBranchProtectionDefaults {
  return {
    allowed_to_push: [{ access_level: params.default_branch_push_access_level }],
    allowed_to_merge: [{ access_level: params.default_branch_merge_access_level }],
    allow_force_push: false,
    developer_can_initial_push: false,
  };
}

export const groupsDefaultBranchProtection = groupRule({
  id: 'groups.default-branch-protection',
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
        // The weakest declared level is the minimum live levels must meet ("No one" only when it is all that is declared).
        const min = (l: { access_level: number }[]) => (l.length > 0 ? weakestLevel(l.map((e) => e.access_level)) : 40);
        return { ...GROUP_DEFAULTS, default_branch_push_access_level: min(d.allowed_to_push), default_branch_merge_access_level: min(d.allowed_to_merge) };
      },
    },
  },
  scenario: SCENARIOS.misconfiguredSettings,
  evaluate: (s, params) => {
    const d = s.group.default_branch_protection_defaults;
    if (d === undefined) return { skip: 'default_branch_protection_defaults not returned (GitLab before 17.0)' };
    return judgeBranchProtectionDefaults(d, params, `group ${s.group.full_path}`);
  },
  write: (params) => ({ default_branch_protection_defaults: branchProtectionDefaultsFor(params) }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [groupsPreventForkingOutside, groupsProjectCreation, groupsSubgroupCreation, groupsDefaultBranchProtection] as const;
