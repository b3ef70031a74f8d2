// Group and project visibility (docs/gitlab-behaviour.md, Group settings / Visibility): private < internal < public. Anything more
// private than the baseline allows is compliant.
import type { Visibility } from '../gitlab/types';
import { defineRule } from './rule';
import { SCENARIOS } from './scenarios';

const RANK: Record<Visibility, number> = { private: 0, internal: 1, public: 2 };

export function isMoreOpen(actual: Visibility, max: Visibility): boolean {
  return RANK[actual] > RANK[max];
}

export const visibilityGroup = defineRule({
  id: 'visibility.group',
  area: 'visibility',
  title: 'Groups are no more visible than allowed',
  description:
    'A group that is more open than intended exposes its name, members and subgroups, and lets its projects be made as open. ' +
    'Making a group more private than one of its projects fails in GitLab: fix the projects first.',
  severity: 'high',
  params: ['max_group_visibility'],
  // Both auditors log the level's name ("Public"), `Gitlab::VisibilityLevel.level_name`.
  audit: { events: ['group_visibility_level_updated'], match: 'entity', value: 'visibility' },
  guards: {
    GroupSecurity: {
      fields: ['visibility'],
      declared: (i) => (i.visibility ? { max_group_visibility: i.visibility, max_project_visibility: 'public' } : null),
    },
  },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    if (s.kind !== 'group' || !isMoreOpen(s.group.visibility, params.max_group_visibility)) return [];
    return [
      {
        setting: 'visibility',
        expected: params.max_group_visibility,
        actual: s.group.visibility,
        message: `Group ${s.group.full_path} is ${s.group.visibility}; the baseline allows at most ${params.max_group_visibility}`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { visibility: params.max_group_visibility } }),
});

export const visibilityProject = defineRule({
  id: 'visibility.project',
  area: 'visibility',
  title: 'Projects are no more visible than allowed',
  description:
    'A project that is more open than intended exposes its code, issues and (with public jobs) CI logs, often to the whole internet.',
  severity: 'high',
  params: ['max_project_visibility'],
  // Both auditors log the level's name ("Public"), `Gitlab::VisibilityLevel.level_name`.
  audit: { events: ['project_visibility_level_updated'], match: 'entity', value: 'visibility' },
  guards: {
    ProjectSecurity: {
      fields: ['visibility'],
      declared: (i) => (i.visibility ? { max_group_visibility: 'public', max_project_visibility: i.visibility } : null),
    },
  },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { project: ['project'] },
  evaluate: (s, params) => {
    if (s.kind !== 'project' || !isMoreOpen(s.project.visibility, params.max_project_visibility)) return [];
    return [
      {
        setting: 'visibility',
        expected: params.max_project_visibility,
        actual: s.project.visibility,
        message: `Project ${s.project.path_with_namespace} is ${s.project.visibility}; the baseline allows at most ${params.max_project_visibility}`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/projects/${f.target.id}`, body: { visibility: params.max_project_visibility } }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [visibilityGroup, visibilityProject] as const;
