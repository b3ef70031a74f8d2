// Project settings outside branch protection and approvals (lib/api/entities/project.rb): forking, merge checks,
// inactivity and deploy keys. Everything but deploy keys comes from the group project listing, so these rules cost
// no request per project; deploy keys need GET /projects/:id/deploy_keys.
import type { GlDeployKey, GlProject } from '../gitlab/types';
import { defineRule, type FindingDraft } from './rule';
import { SCENARIOS } from './scenarios';
import { monthsBefore } from './time';

const FORKING_RANK = { disabled: 0, private: 1, enabled: 2 } as const;

export const projectsForking = defineRule({
  id: 'projects.forking',
  area: 'projects',
  title: 'Forking is restricted to project members or off',
  description:
    'A fork copies the code, its history and any secret committed to it into a namespace the project no longer controls. ' +
    'forking_access_level `private` lets only members fork; a public project can always be forked by anyone who can see it.',
  severity: 'low',
  params: ['max_forking_access_level'],
  // Audit::ProjectFeatureChangesAuditor logs project_feature_forking_access_level_updated with the stored numbers
  // (0/10/20), not the API's words; reading them back is not implemented yet.
  audit: { unavailable: 'GitLab logs forking_access_level changes with stored numbers (0, 10, 20) that explain does not translate yet' },
  guards: {
    ProjectSecurity: { fields: ['forking_access_level'], declared: (i) => (i.forking_access_level ? { max_forking_access_level: i.forking_access_level, inactive_months: 120 } : null) },
  },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.credentialExposure,
  needs: { project: ['project'] },
  evaluate: (s, params) => {
    if (s.kind !== 'project') return [];
    const level = s.project.forking_access_level;
    // Absent on an entity that does not carry it (a `simple` listing): cannot judge, never "restricted".
    if (level === undefined) return { skip: 'forking_access_level not returned for this project' };
    if (FORKING_RANK[level] <= FORKING_RANK[params.max_forking_access_level]) return [];
    return [
      {
        setting: 'forking_access_level',
        expected: params.max_forking_access_level,
        actual: level,
        message: `Project ${s.project.path_with_namespace} lets anyone who can see it fork it (forking_access_level ${level}); the baseline allows at most ${params.max_forking_access_level}`,
      },
    ];
  },
  fix: (f, params) => ({ method: 'PUT', path: `/projects/${f.target.id}`, body: { forking_access_level: params.max_forking_access_level } }),
});

function projectFlag(
  p: GlProject,
  key: 'only_allow_merge_if_pipeline_succeeds' | 'only_allow_merge_if_all_discussions_are_resolved',
  what: string,
): FindingDraft[] {
  if (p[key] !== false) return [];
  return [{ setting: key, expected: true, actual: false, message: `Project ${p.path_with_namespace} ${what}` }];
}

export const projectsPipelineMustSucceed = defineRule({
  id: 'projects.pipeline-must-succeed',
  area: 'projects',
  title: 'Merge requests need a successful pipeline',
  description:
    'Without "Pipelines must succeed" a merge request can be merged while its tests, secret detection or other security jobs fail or are still running.',
  severity: 'medium',
  params: [],
  audit: { events: ['project_only_allow_merge_if_pipeline_succeeds_updated'], match: 'entity', value: 'boolean' },
  guards: { ProjectSecurity: { fields: ['only_allow_merge_if_pipeline_succeeds'], declared: (i) => (i.only_allow_merge_if_pipeline_succeeds === true ? {} : null) } },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { project: ['project'] },
  evaluate: (s) => (s.kind === 'project' ? projectFlag(s.project, 'only_allow_merge_if_pipeline_succeeds', 'lets merge requests merge without a successful pipeline') : []),
  fix: (f) => ({ method: 'PUT', path: `/projects/${f.target.id}`, body: { only_allow_merge_if_pipeline_succeeds: true } }),
});

export const projectsDiscussionsResolved = defineRule({
  id: 'projects.discussions-resolved',
  area: 'projects',
  title: 'Merge requests need all threads resolved',
  description: 'A merge request that can merge with open threads lets a reviewer\'s objection, often a security remark, be ignored.',
  severity: 'low',
  params: [],
  audit: { events: ['project_only_allow_merge_if_all_discussions_are_resolved_updated'], match: 'entity', value: 'boolean' },
  guards: {
    ProjectSecurity: { fields: ['only_allow_merge_if_all_discussions_are_resolved'], declared: (i) => (i.only_allow_merge_if_all_discussions_are_resolved === true ? {} : null) },
  },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { project: ['project'] },
  evaluate: (s) =>
    s.kind === 'project' ? projectFlag(s.project, 'only_allow_merge_if_all_discussions_are_resolved', 'lets merge requests merge with unresolved threads') : [],
  fix: (f) => ({ method: 'PUT', path: `/projects/${f.target.id}`, body: { only_allow_merge_if_all_discussions_are_resolved: true } }),
});

export const projectsInactive = defineRule({
  id: 'projects.inactive',
  area: 'projects',
  title: 'Inactive projects are archived',
  description:
    'A project nobody works on still holds code, CI variables, deploy keys and webhooks, and its dependencies are no longer patched. Archive it (read-only) or delete it.',
  severity: 'low',
  params: ['inactive_months'],
  audit: { unavailable: 'inactivity is the absence of events: there is no change to explain' },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.hardening,
  needs: { project: ['project'] },
  evaluate: (s, params, ctx) => {
    if (s.kind !== 'project' || s.project.archived) return [];
    const last = s.project.last_activity_at;
    if (!last) return { skip: 'last_activity_at not returned for this project' };
    const cutoff = monthsBefore(ctx.now, params.inactive_months);
    if (Date.parse(last) >= cutoff.getTime()) return [];
    return [
      {
        setting: 'last_activity_at',
        expected: `after ${cutoff.toISOString().slice(0, 10)}`,
        actual: last,
        message: `Project ${s.project.path_with_namespace} has had no activity since ${last.slice(0, 10)} (more than ${params.inactive_months} months) and is not archived`,
      },
    ];
  },
  // Archiving is a decision about the project's future, not a setting to flip back.
  fix: (f) => ({ manual: `Archive (POST /projects/${f.target.id}/archive) or delete ${f.target.path} once its owners agree.` }),
});

function judgeDeployKey(k: GlDeployKey, path: string): FindingDraft[] {
  if (!k.can_push) return [];
  return [
    {
      setting: 'can_push',
      object: String(k.id),
      expected: false,
      actual: true,
      message: `Deploy key ${k.title} (id ${k.id}) can push to project ${path}`,
    },
  ];
}

export const projectsDeployKeyWrite = defineRule({
  id: 'projects.deploy-key-write',
  area: 'projects',
  title: 'Deploy keys are read-only',
  description:
    'A deploy key with write access is an SSH key, often on a CI host, that can push to every unprotected branch without a user behind it; a stolen one rewrites code silently.',
  severity: 'medium',
  params: [],
  audit: { unavailable: 'GitLab audits adding and removing deploy keys, not a later change of their write access' },
  guards: { DeployKey: { fields: ['can_push'], declared: (i) => (i.can_push === false ? {} : null) } },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.credentialExposure,
  needs: { project: ['project', 'deployKeys'] },
  evaluate: (s) => (s.kind === 'project' ? s.deployKeys.flatMap((k) => judgeDeployKey(k, s.project.path_with_namespace)) : []),
  // PUT /projects/:id/deploy_keys/:key_id accepts can_push (lib/api/deploy_keys.rb).
  fix: (f) =>
    f.object ? { method: 'PUT', path: `/projects/${f.target.id}/deploy_keys/${f.object}`, body: { can_push: false } } : { manual: 'the finding names no deploy key' },
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [projectsForking, projectsPipelineMustSucceed, projectsDiscussionsResolved, projectsInactive, projectsDeployKeyWrite] as const;
