// Every rule of the catalog, through the evaluator: it fires on a state that breaks everything, a valid waiver
// waives exactly its findings (with reason and expiry), and an expired waiver no longer applies and is reported.
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../checks/baseline/load';
import { evaluate } from '../../checks/evaluate';
import type { Read } from '../../model/target';
import type { Snapshot } from '../../model/snapshot';
import { CATALOG } from '../../policies/catalog';
import {
  approvalRule,
  approvals,
  approvalSetting,
  branch,
  deployKeyEntry,
  glGroup,
  glProject,
  GROUP_TARGET,
  hook,
  INSTANCE_TARGET,
  PROJECT_TARGET,
  role,
  settings,
  variable,
} from '../policies/helpers';

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const NOW = '2026-11-20T12:00:00Z';

/** One project, its top-level group and the instance, each breaking every rule that can judge it. */
function brokenEverywhere(): Snapshot {
  return {
    schemaVersion: 1,
    takenAt: NOW,
    gitlab: { url: 'https://gitlab.example.com', version: '17.11.0-ee', tier: 'ultimate', tierSource: 'baseline', isAdmin: true },
    instance: {
      target: INSTANCE_TARGET,
      settings: ok(settings({ require_two_factor_authentication: false, two_factor_grace_period: 200, max_number_of_repository_downloads: 0 })),
    },
    groups: [
      {
        target: GROUP_TARGET,
        topLevel: true,
        group: ok(
          glGroup({
            visibility: 'public',
            require_two_factor_authentication: false,
            two_factor_grace_period: 200,
            unique_project_download_limit: 0,
            unique_project_download_limit_interval_in_seconds: 0,
            auto_ban_user_on_excessive_projects_download: false,
          }),
        ),
        hooks: ok([hook(5, 'https://evil.example/h', { enable_ssl_verification: false })]),
        variables: ok([variable('DEPLOY_TOKEN', { masked: false, protected: false })]),
        ancestors: ok([]),
      },
    ],
    projects: [
      {
        target: PROJECT_TARGET,
        project: ok(glProject({ visibility: 'public', public_jobs: true })),
        protectedBranches: ok([
          branch('main', {
            allow_force_push: true,
            code_owner_approval_required: false,
            push_access_levels: [role(11, 30), deployKeyEntry(12, 3)],
            merge_access_levels: [role(21, 30)],
          }),
        ]),
        approvals: ok(
          approvals({
            merge_requests_author_approval: true,
            merge_requests_disable_committers_approval: false,
            reset_approvals_on_push: false,
            disable_overriding_approvers_per_merge_request: false,
          }),
        ),
        approvalRules: ok([approvalRule({ approvals_required: 0 })]),
        mrApprovalSetting: ok(approvalSetting()),
        hooks: ok([hook(6, 'http://evil.example/h', { enable_ssl_verification: false })]),
        variables: ok([variable('AWS_SECRET_ACCESS_KEY', { masked: false, protected: false })]),
        jobTokenScope: ok({ inbound_enabled: false, outbound_enabled: false }),
      },
    ],
    errors: [],
  };
}

const BASE = `targets: { groups: [acme] }
profile: hardened
settings:
  protected-branches: { branches: [default, "release/*"] }
  webhooks: { allowed_hosts: ["hooks.acme.example"] }
`;

const load = (waivers = '') => parseBaseline(BASE + waivers, 'baseline.yaml', { now: new Date(NOW), allowExpiredWaivers: true });
const targetOf = (id: string) => {
  const f = evaluate(brokenEverywhere(), load()).findings.find((x) => x.rule === id)!;
  return f.target.path;
};

describe('every rule, through the evaluator', () => {
  const unwaived = evaluate(brokenEverywhere(), load());

  it('fires on a state that breaks everything, unwaived, and nothing is skipped or errored', () => {
    expect([...new Set(unwaived.findings.map((f) => f.rule))].sort()).toEqual(CATALOG.map((r) => r.id).sort());
    expect(unwaived.findings.every((f) => !f.waived && f.waiver === undefined)).toBe(true);
    expect(unwaived.errors).toEqual([]);
    expect(unwaived.summary.findings).toBe(unwaived.findings.length);
  });

  it.each(CATALOG.map((r) => [r.id]))('%s: a valid waiver waives exactly its findings', (id) => {
    const target = targetOf(id);
    const r = evaluate(brokenEverywhere(), load(`waivers:\n  - { rule: ${id}, target: "${target}", reason: accepted risk, expires: 2027-03-01 }\n`));
    const mine = r.findings.filter((f) => f.rule === id && f.target.path === target);
    expect(mine.length).toBeGreaterThan(0);
    for (const f of mine) expect(f).toMatchObject({ waived: true, waiver: { reason: 'accepted risk', expires: '2027-03-01' } });
    expect(r.findings.filter((f) => f.waived).length).toBe(mine.length);
    expect(r.summary).toMatchObject({ waived: mine.length, findings: unwaived.findings.length - mine.length });
    expect(r.expiredWaivers).toBeUndefined();
  });

  it.each(CATALOG.map((r) => [r.id]))('%s: an expired waiver no longer applies and is reported', (id) => {
    const target = targetOf(id);
    const r = evaluate(brokenEverywhere(), load(`waivers:\n  - { rule: ${id}, target: "${target}", reason: old exception, expires: 2026-11-01 }\n`));
    expect(r.findings.filter((f) => f.waived)).toEqual([]);
    expect(r.summary.findings).toBe(unwaived.findings.length);
    expect(r.expiredWaivers).toEqual([{ rule: id, target, reason: 'old exception', expires: '2026-11-01' }]);
  });
});
