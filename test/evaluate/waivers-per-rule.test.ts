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
      settings: ok(
        settings({
          require_two_factor_authentication: false,
          two_factor_grace_period: 200,
          max_number_of_repository_downloads: 0,
          signup_enabled: true,
          email_confirmation_setting: 'off',
          password_authentication_enabled_for_git: true,
          throttle_authenticated_api_enabled: false,
          throttle_authenticated_web_enabled: true,
          throttle_unauthenticated_api_enabled: true,
          throttle_unauthenticated_web_enabled: true,
          default_branch_protection_defaults: {},
          default_project_visibility: 'public',
          allow_local_requests_from_web_hooks_and_services: true,
          allow_local_requests_from_system_hooks: false,
          max_personal_access_token_lifetime: null,
          admin_mode: false,
          allow_runner_registration_token: true,
        }),
      ),
      admins: ok([{ id: 1, username: 'root', name: 'root', state: 'active', is_admin: true, last_activity_on: '2025-01-01' }]),
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
            prevent_forking_outside_group: false,
            project_creation_level: 'developer',
            subgroup_creation_level: 'maintainer',
            default_branch_protection_defaults: { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 30 }], allow_force_push: true },
          }),
        ),
        hooks: ok([hook(5, 'https://evil.example/h', { enable_ssl_verification: false })]),
        variables: ok([variable('DEPLOY_TOKEN', { masked: false, protected: false })]),
        ancestors: ok([]),
        pushRule: ok(null),
        members: ok(
          ['a', 'b', 'c', 'd'].map((u, i) => ({ id: i + 1, username: u, name: u, state: 'active', access_level: 50, created_at: '2026-01-01T00:00:00Z', two_factor_enabled: i > 0, external: i === 3 })),
        ),
      },
      {
        // A subgroup that does require 2FA, with a member who has none (members.two-factor).
        target: { kind: 'group', path: 'acme/platform', id: 101 },
        topLevel: false,
        group: ok(glGroup({ id: 101, full_path: 'acme/platform', parent_id: 100, require_two_factor_authentication: true, two_factor_grace_period: 8, prevent_forking_outside_group: true })),
        hooks: ok([]),
        variables: ok([]),
        pushRule: ok(null),
        members: ok([{ id: 9, username: 'dave', name: 'dave', state: 'active', access_level: 30, created_at: '2026-01-01T00:00:00Z', two_factor_enabled: false, external: false }]),
        ancestors: ok([]),
      },
    ],
    projects: [
      {
        target: PROJECT_TARGET,
        project: ok(
          glProject({
            visibility: 'public',
            public_jobs: true,
            forking_access_level: 'enabled',
            only_allow_merge_if_pipeline_succeeds: false,
            only_allow_merge_if_all_discussions_are_resolved: false,
            last_activity_at: '2025-01-01T00:00:00Z',
          }),
        ),
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
        pushRule: ok({ id: 1, deny_delete_tag: false, member_check: false, prevent_secrets: false, commit_committer_check: false, reject_unsigned_commits: false }),
        members: ok([]),
        deployKeys: ok([{ id: 3, title: 'ci', can_push: true }]),
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
