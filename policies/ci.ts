// CI/CD: job token scope, public job logs and secret-looking variables (docs/gitlab-behaviour.md, CI/CD and
// Visibility).
// Variable values are never read into the snapshot nor written by a fix: only the masked/protected flags.
import type { GlVariable } from '../gitlab/types';
import type { Finding } from '../model/result';
import { defineRule, type FindingDraft } from './rule';
import type { AreaParams } from './params';
import { SCENARIOS } from './scenarios';
import { missingFixData } from './fix-data';

export const jobTokenScope = defineRule({
  id: 'ci.job-token-scope',
  area: 'ci',
  title: 'Job token access to the project is limited to an allowlist',
  description:
    "Without the inbound allowlist, a CI job token leaked from any other project's job can read this project's repository and packages.",
  severity: 'medium',
  params: [],
  audit: {
    events: ['secure_ci_job_token_inbound_disabled'],
    match: 'entity',
    implied: { secure_ci_job_token_inbound_disabled: { from: true, to: false } },
    note: 'GitLab audits this setting only when it is changed through GraphQL; a later change through the REST API (PATCH /projects/:id/job_token_scope) would not show',
    unauditedPaths: 'GitLab does not audit changes made through the REST API (PATCH /projects/:id/job_token_scope), only through GraphQL',
  },
  guards: {
    ProjectSecurity: {
      fields: ['ci_inbound_job_token_scope_enabled'],
      declared: (i) => (i.ci_inbound_job_token_scope_enabled === true ? {} : null),
    },
  },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.exposedJobToken,
  needs: { project: ['project', 'jobTokenScope'] },
  evaluate: (s) => {
    if (s.kind !== 'project' || s.jobTokenScope.inbound_enabled) return [];
    return [
      {
        setting: 'inbound_enabled',
        expected: true,
        actual: false,
        message: `Project ${s.project.path_with_namespace} accepts CI job tokens from any project (inbound allowlist off)`,
      },
    ];
  },
  // PATCH {enabled} sets the inbound limit and answers 204 (docs/gitlab-behaviour.md, CI/CD).
  fix: (f) => ({ method: 'PATCH', path: `/projects/${f.target.id}/job_token_scope`, body: { enabled: true } }),
});

export const publicJobs = defineRule({
  id: 'ci.public-jobs',
  area: 'ci',
  title: 'Job logs and artifacts are not public',
  description:
    'Public pipelines let non-members read job logs and artifacts, where unmasked secrets and internal details end up.',
  severity: 'high',
  params: [],
  audit: {
    unavailable: 'GitLab does not audit public_jobs (public pipelines): it is not one of the project settings GitLab audits (see docs/gitlab-behaviour.md)',
  },
  guards: { ProjectSecurity: { fields: ['public_jobs'], declared: (i) => (i.public_jobs === false ? {} : null) } },
  scope: ['project'],
  minTier: 'free',
  scenario: SCENARIOS.ciSecretsExposed,
  needs: { project: ['project'] },
  evaluate: (s) => {
    if (s.kind !== 'project' || !s.project.public_jobs) return [];
    return [
      {
        setting: 'public_jobs',
        expected: false,
        actual: true,
        message: `Job logs and artifacts of project ${s.project.path_with_namespace} are visible to non-members (public_jobs)`,
      },
    ];
  },
  fix: (f) => ({ method: 'PUT', path: `/projects/${f.target.id}`, body: { public_jobs: false } }),
});

export function looksSecret(key: string, patterns: readonly string[]): boolean {
  const k = key.toUpperCase();
  return patterns.some((p) => k.includes(p.toUpperCase()));
}

function judgeVariable(v: GlVariable, params: AreaParams<'ci'>, owner: string): FindingDraft[] {
  if (!looksSecret(v.key, params.secret_patterns)) return [];
  const scope = v.environment_scope ?? '*';
  const where = `${v.key}${scope === '*' ? '' : ` (environment ${scope})`} of ${owner}`;
  const out: FindingDraft[] = [];
  // A hidden variable is masked too, and its value can't even be revealed in the UI.
  if (!v.masked && !v.hidden) {
    out.push({
      setting: 'masked',
      object: v.key,
      expected: true,
      actual: false,
      message: `CI/CD variable ${where} looks like a secret but is not masked`,
      fixData: { environment_scope: scope },
    });
  }
  if (params.require_protected && !v.protected) {
    out.push({
      setting: 'protected',
      object: v.key,
      expected: true,
      actual: false,
      message: `CI/CD variable ${where} looks like a secret but is available to unprotected branches`,
      fixData: { environment_scope: scope },
    });
  }
  return out;
}

function variablePath(f: Finding): string {
  const scope = String(f.fixData?.environment_scope);
  const kind = f.target.kind === 'group' ? 'groups' : 'projects';
  // The same key may exist once per environment: the filter picks the one judged (docs/gitlab-behaviour.md, CI/CD).
  return `/${kind}/${f.target.id}/variables/${encodeURIComponent(f.object ?? '')}?filter[environment_scope]=${encodeURIComponent(scope)}`;
}

export const maskedVariables = defineRule({
  id: 'ci.masked-variables',
  area: 'ci',
  title: 'Secret-looking CI/CD variables are masked',
  description:
    'An unmasked secret is printed in clear in any job log that echoes it. Masking fails in GitLab when the value does not meet the masking requirements (8+ characters, one line); such a fix must be done by hand.',
  severity: 'high',
  params: ['secret_patterns', 'require_protected'],
  audit: {
    events: ['ci_variable_created', 'ci_variable_updated', 'ci_group_variable_created', 'ci_group_variable_updated'],
    match: 'variable',
    creations: ['ci_variable_created', 'ci_group_variable_created'],
    // An update names the attribute it changed; a masking change does not explain a protection finding.
    settingChanges: { masked: ['variable masking', 'masked'], protected: ['variable protection', 'protected'] },
    value: 'boolean',
  },
  guards: {
    VariableProtection: {
      fields: ['masked', 'protected'],
      // The declared key is the only "secret pattern", so the rule judges exactly this variable.
      declared: (i) => (i.masked === true || i.protected === true ? { secret_patterns: [i.key], require_protected: i.protected === true } : null),
    },
  },
  scope: ['group', 'project'],
  minTier: 'free',
  scenario: SCENARIOS.ciSecretsExposed,
  needs: { group: ['variables'], project: ['variables'] },
  evaluate: (s, params) => {
    if (s.kind === 'project') return s.variables.flatMap((v) => judgeVariable(v, params, `project ${s.project.path_with_namespace}`));
    if (s.kind === 'group') return s.variables.flatMap((v) => judgeVariable(v, params, `group ${s.group.full_path}`));
    return [];
  },
  // Only the flag: a fix never carries the value.
  fix: (f) =>
    typeof f.fixData?.environment_scope === 'string'
      ? { method: 'PUT', path: variablePath(f), body: { [f.setting]: true } }
      : missingFixData(f, "the variable's environment scope"),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [jobTokenScope, publicJobs, maskedVariables] as const;
