// Each CrossGuard policy's validate, called directly with a weakening and a compliant resource.
import { describe, expect, it } from 'vitest';
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { GUARDED_RULES, policies } from '../../provider/crossguard/policies';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ruleById } from '../../policies/catalog';

const T = (t: string) => `pulumi-nodejs:dynamic/gitlab:${t}`;

function args(type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): ResourceValidationArgs {
  return {
    type: T(type),
    props,
    urn: `urn:pulumi:dev::gitlab-posture::${T(type)}::x`,
    name: 'x',
    opts: {} as never,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <C extends object>() => config as C,
    notApplicable: () => {
      throw new Error('notApplicable');
    },
  };
}

function validate(policy: ResourceValidationPolicy, a: ResourceValidationArgs): string[] {
  const out: string[] = [];
  const fns = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const fn of fns) void fn(a, (m) => out.push(m ?? ''));
  return out;
}

const byName = (id: string) => policies.find((p) => p.name === id)!;
const G = { group: 'acme' };
const P = { project: 'acme/web' };
const B = { project: 'acme/web', name: 'main' };

// [rule, type, weakening props, compliant props (stricter where the rule has a scale), field named in the message]
const CASES: [string, string, Record<string, unknown>, Record<string, unknown>, string][] = [
  ['two-factor.required', 'GroupSecurity', { ...G, require_two_factor_authentication: false }, { ...G, require_two_factor_authentication: true }, 'require_two_factor_authentication'],
  ['two-factor.grace-period', 'GroupSecurity', { ...G, two_factor_grace_period: 48 }, { ...G, two_factor_grace_period: 4 }, 'two_factor_grace_period'],
  ['visibility.group', 'GroupSecurity', { ...G, visibility: 'internal' }, { ...G, visibility: 'private' }, 'visibility'],
  ['git-abuse.download-limit', 'GroupSecurity',
    { ...G, unique_project_download_limit: 0, unique_project_download_limit_interval_in_seconds: 3600, auto_ban_user_on_excessive_projects_download: true },
    { ...G, unique_project_download_limit: 50, unique_project_download_limit_interval_in_seconds: 600, auto_ban_user_on_excessive_projects_download: true },
    'unique_project_download_limit'],
  ['visibility.project', 'ProjectSecurity', { ...P, visibility: 'public' }, { ...P, visibility: 'private' }, 'visibility'],
  ['ci.public-jobs', 'ProjectSecurity', { ...P, public_jobs: true }, { ...P, public_jobs: false }, 'public_jobs'],
  ['ci.job-token-scope', 'ProjectSecurity', { ...P, ci_inbound_job_token_scope_enabled: false }, { ...P, ci_inbound_job_token_scope_enabled: true }, 'ci_inbound_job_token_scope_enabled'],
  ['mr-approvals.author-approval', 'ProjectSecurity', { ...P, merge_requests_author_approval: true }, { ...P, merge_requests_author_approval: false }, 'merge_requests_author_approval'],
  ['mr-approvals.committer-approval', 'ProjectSecurity', { ...P, merge_requests_disable_committers_approval: false }, { ...P, merge_requests_disable_committers_approval: true }, 'merge_requests_disable_committers_approval'],
  ['mr-approvals.reset-on-push', 'ProjectSecurity', { ...P, reset_approvals_on_push: false }, { ...P, reset_approvals_on_push: true }, 'reset_approvals_on_push'],
  ['mr-approvals.override-in-mr', 'ProjectSecurity', { ...P, disable_overriding_approvers_per_merge_request: false }, { ...P, disable_overriding_approvers_per_merge_request: true }, 'disable_overriding_approvers_per_merge_request'],
  ['protected-branches.push', 'ProtectedBranch', { ...B, push_access_level: 30 }, { ...B, push_access_level: 0 }, 'push_access_level'],
  ['protected-branches.merge', 'ProtectedBranch', { ...B, merge_access_level: 30 }, { ...B, merge_access_level: 40 }, 'merge_access_level'],
  ['protected-branches.force-push', 'ProtectedBranch', { ...B, allow_force_push: true }, { ...B, allow_force_push: false }, 'allow_force_push'],
  ['protected-branches.code-owner-approval', 'ProtectedBranch', { ...B, code_owner_approval_required: false }, { ...B, code_owner_approval_required: true }, 'code_owner_approval_required'],
  ['mr-approvals.min-approvals', 'ApprovalRule', { ...P, approvals_required: 1 }, { ...P, approvals_required: 3 }, 'approvals_required'],
  ['webhooks.ssl-verification', 'Webhook', { ...P, url: 'https://hooks.acme.example/x', enable_ssl_verification: false }, { ...P, url: 'https://hooks.acme.example/x', enable_ssl_verification: true }, 'enable_ssl_verification'],
  ['ci.masked-variables', 'VariableProtection', { ...P, key: 'NPM_TOKEN', masked: false, protected: true }, { ...P, key: 'NPM_TOKEN', masked: true, protected: true }, 'masked'],
  ['projects.forking', 'ProjectSecurity', { ...P, forking_access_level: 'enabled' }, { ...P, forking_access_level: 'disabled' }, 'forking_access_level'],
  ['projects.pipeline-must-succeed', 'ProjectSecurity', { ...P, only_allow_merge_if_pipeline_succeeds: false }, { ...P, only_allow_merge_if_pipeline_succeeds: true }, 'only_allow_merge_if_pipeline_succeeds'],
  ['projects.discussions-resolved', 'ProjectSecurity', { ...P, only_allow_merge_if_all_discussions_are_resolved: false }, { ...P, only_allow_merge_if_all_discussions_are_resolved: true }, 'only_allow_merge_if_all_discussions_are_resolved'],
  ['groups.prevent-forking-outside', 'GroupSecurity', { ...G, prevent_forking_outside_group: false }, { ...G, prevent_forking_outside_group: true }, 'prevent_forking_outside_group'],
  ['groups.project-creation', 'GroupSecurity', { ...G, project_creation_level: 'developer' }, { ...G, project_creation_level: 'noone' }, 'project_creation_level'],
  ['groups.subgroup-creation', 'GroupSecurity', { ...G, subgroup_creation_level: 'maintainer' }, { ...G, subgroup_creation_level: 'owner' }, 'subgroup_creation_level'],
  ['groups.default-branch-protection', 'GroupSecurity',
    { ...G, default_branch_protection_defaults: { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false } },
    { ...G, default_branch_protection_defaults: { allowed_to_push: [{ access_level: 0 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false } },
    'default_branch_protection_defaults'],
  ['push-rules.reject-unsigned-commits', 'PushRule', { ...P, reject_unsigned_commits: false }, { ...P, reject_unsigned_commits: true }, 'reject_unsigned_commits'],
  ['push-rules.prevent-secrets', 'PushRule', { ...G, prevent_secrets: false }, { ...G, prevent_secrets: true }, 'prevent_secrets'],
  ['push-rules.member-check', 'PushRule', { ...P, member_check: false }, { ...P, member_check: true }, 'member_check'],
  ['push-rules.committer-check', 'PushRule', { ...G, commit_committer_check: false }, { ...G, commit_committer_check: true }, 'commit_committer_check'],
  ['projects.deploy-key-write', 'DeployKey', { ...P, key_id: 7, can_push: true }, { ...P, key_id: 7, can_push: false }, 'can_push'],
  // InstanceSettings (administrator token): judged on the declared inputs, no token needed.
  ['instance.two-factor-required', 'InstanceSettings', { require_two_factor_authentication: false }, { require_two_factor_authentication: true }, 'require_two_factor_authentication'],
  ['instance.two-factor-grace-period', 'InstanceSettings', { two_factor_grace_period: 48 }, { two_factor_grace_period: 2 }, 'two_factor_grace_period'],
  ['instance.git-abuse-download-limit', 'InstanceSettings',
    { max_number_of_repository_downloads: 100, max_number_of_repository_downloads_within_time_period: 3600, auto_ban_user_on_excessive_projects_download: false },
    { max_number_of_repository_downloads: 50, max_number_of_repository_downloads_within_time_period: 600, auto_ban_user_on_excessive_projects_download: true },
    'auto_ban_user_on_excessive_projects_download'],
  ['instance.signup', 'InstanceSettings', { signup_enabled: true }, { signup_enabled: false }, 'signup_enabled'],
  ['instance.email-confirmation', 'InstanceSettings', { email_confirmation_setting: 'soft' }, { email_confirmation_setting: 'hard' }, 'email_confirmation_setting'],
  ['instance.git-password-auth', 'InstanceSettings', { password_authentication_enabled_for_git: true }, { password_authentication_enabled_for_git: false }, 'password_authentication_enabled_for_git'],
  ['instance.rate-limits', 'InstanceSettings',
    { throttle_authenticated_api_enabled: true, throttle_authenticated_web_enabled: true, throttle_unauthenticated_api_enabled: true, throttle_unauthenticated_web_enabled: false },
    { throttle_authenticated_api_enabled: true, throttle_authenticated_web_enabled: true, throttle_unauthenticated_api_enabled: true, throttle_unauthenticated_web_enabled: true },
    'throttle_unauthenticated_web_enabled'],
  ['instance.default-branch-protection', 'InstanceSettings',
    { default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: true } },
    { default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false } },
    'default_branch_protection_defaults'],
  ['instance.restricted-public', 'InstanceSettings', { restricted_visibility_levels: ['internal'] }, { restricted_visibility_levels: ['public'] }, 'restricted_visibility_levels'],
  ['instance.default-visibility', 'InstanceSettings',
    { default_project_visibility: 'public', default_group_visibility: 'internal' },
    { default_project_visibility: 'internal', default_group_visibility: 'private' },
    'default_project_visibility'],
  ['instance.local-requests', 'InstanceSettings',
    { allow_local_requests_from_web_hooks_and_services: true, allow_local_requests_from_system_hooks: false },
    { allow_local_requests_from_web_hooks_and_services: false, allow_local_requests_from_system_hooks: false },
    'allow_local_requests_from_web_hooks_and_services'],
  ['instance.pat-lifetime', 'InstanceSettings', { max_personal_access_token_lifetime: 365 }, { max_personal_access_token_lifetime: 30 }, 'max_personal_access_token_lifetime'],
  ['instance.admin-mode', 'InstanceSettings', { admin_mode: false }, { admin_mode: true }, 'admin_mode'],
  ['instance.runner-registration-token', 'InstanceSettings', { allow_runner_registration_token: true }, { allow_runner_registration_token: false }, 'allow_runner_registration_token'],
];

describe('CrossGuard policies', () => {
  it('one policy per rule a resource input can weaken, every one covered below', () => {
    expect(policies.map((p) => p.name)).toEqual(GUARDED_RULES);
    expect([...GUARDED_RULES].sort()).toEqual(CASES.map((c) => c[0]).sort());
    expect(policies.every((p) => p.enforcementLevel === 'mandatory')).toBe(true);
  });

  it.each(CASES)('%s: weakening is a violation, compliant is not', (id, type, weak, ok, field) => {
    const policy = byName(id);
    const rule = ruleById(id)!;
    const got = validate(policy, args(type, weak));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(new RegExp(`^\\[${id.replace('.', '\\.')}\\] .+: this weakens the baseline \\(incident scenario: "${rule.scenario}"\\)\\. Declare ${field}: `));
    expect(validate(policy, args(type, ok))).toEqual([]);
  });

  it('never remediates the default branch protection hash with a scalar', () => {
    const policy = byName('groups.default-branch-protection');
    const weak = args('GroupSecurity', { ...G, default_branch_protection_defaults: { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false } });
    expect(policy.remediateResource!(weak)).toBeUndefined();
    expect(byName('projects.forking').remediateResource!(args('ProjectSecurity', { ...P, forking_access_level: 'enabled' }))).toEqual({ ...P, forking_access_level: 'private' });
  });

  it('remediates InstanceSettings to values its check accepts', () => {
    // The fix writes `private`; the input is the most open default allowed, `internal`.
    expect(byName('instance.default-visibility').remediateResource!(args('InstanceSettings', { default_project_visibility: 'public', default_group_visibility: 'internal' }))).toEqual({
      default_project_visibility: 'internal',
      default_group_visibility: 'internal',
    });
    expect(byName('instance.admin-mode').remediateResource!(args('InstanceSettings', { admin_mode: false }))).toEqual({ admin_mode: true });
    // An array input is never remediated with a scalar.
    expect(byName('instance.restricted-public').remediateResource!(args('InstanceSettings', { restricted_visibility_levels: ['internal'] }))).toBeUndefined();
  });

  it('gives the whole message for the incident hallmark (force push)', () => {
    expect(validate(byName('protected-branches.force-push'), args('ProtectedBranch', { ...B, allow_force_push: true }))).toEqual([
      '[protected-branches.force-push] Force push is allowed on protected branch main: this weakens the baseline ' +
        '(incident scenario: "Misconfigured project or group settings"). Declare allow_force_push: false or stricter.',
    ]);
  });

  it('ignores other resource types and undeclared fields', () => {
    expect(validate(byName('visibility.group'), args('ProjectSecurity', { ...P, visibility: 'public' }))).toEqual([]);
    expect(validate(byName('two-factor.required'), args('GroupSecurity', { ...G, visibility: 'public' }))).toEqual([]);
  });

  it('policy config overrides the baseline parameters (defaults: hardened profile)', () => {
    const grace = byName('two-factor.grace-period');
    // No schema defaults: Pulumi would fill them in over the configured baseline's values.
    expect(Object.values(grace.configSchema!.properties as Record<string, object>).every((p) => !('default' in p))).toBe(true);
    expect(Object.keys(grace.configSchema!.properties!)).toEqual(['baseline', 'max_grace_period']);
    expect(validate(grace, args('GroupSecurity', { ...G, two_factor_grace_period: 9 }))).toHaveLength(1);
    expect(validate(grace, args('GroupSecurity', { ...G, two_factor_grace_period: 48 }, { max_grace_period: 72 }))).toEqual([]);
    expect(validate(byName('ci.masked-variables'), args('VariableProtection', { ...P, key: 'NPM_TOKEN', masked: true, protected: false }))).toHaveLength(1);
    expect(validate(byName('ci.masked-variables'), args('VariableProtection', { ...P, key: 'NPM_TOKEN', masked: true, protected: false }, { require_protected: false }))).toEqual([]);
  });

  it('remediates a weakened scalar to the baseline value and leaves the rest', async () => {
    const fixed = await byName('protected-branches.push').remediateResource!(args('ProtectedBranch', { ...B, push_access_level: 30, merge_access_level: 30 }));
    expect(fixed).toEqual({ ...B, push_access_level: 40, merge_access_level: 30 });
    expect(await byName('visibility.project').remediateResource!(args('ProjectSecurity', { ...P, visibility: 'private' }))).toBeUndefined();
  });

  describe('against the user\'s baseline (policy config `baseline`, the CLI loader)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossguard-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'baseline.yaml');
    writeFileSync(
      file,
      [
        'profile: baseline',
        'targets:',
        '  groups: [acme]',
        'rules:',
        '  ci.public-jobs: off',
        'settings:',
        '  two-factor:',
        '    max_grace_period: 24',
        'waivers:',
        '  - rule: protected-branches.force-push',
        '    target: acme/legacy',
        '    reason: vendor mirror force-pushes',
        '    expires: 2099-01-01',
        '',
      ].join('\n'),
    );
    const cfg = { baseline: file };

    it('judges with the baseline\'s parameters, not the hardened profile\'s', () => {
      const grace = byName('two-factor.grace-period');
      expect(validate(grace, args('GroupSecurity', { ...G, two_factor_grace_period: 24 }, cfg))).toEqual([]);
      expect(validate(grace, args('GroupSecurity', { ...G, two_factor_grace_period: 25 }, cfg))).toEqual([
        '[two-factor.grace-period] Group acme allows a two-factor grace period of 25 hours; the baseline allows at most 24: this weakens the baseline ' +
          '(incident scenario: "Suspected compromised user account"). Declare two_factor_grace_period: 24 or stricter.',
      ]);
      // A per-policy key still overrides one parameter of the file.
      expect(validate(grace, args('GroupSecurity', { ...G, two_factor_grace_period: 25 }, { ...cfg, max_grace_period: 30 }))).toEqual([]);
    });

    it('a rule the baseline turns off guards nothing; a waiver lets its target through', () => {
      expect(validate(byName('ci.public-jobs'), args('ProjectSecurity', { ...P, public_jobs: true }, cfg))).toEqual([]);
      const force = byName('protected-branches.force-push');
      expect(validate(force, args('ProtectedBranch', { project: 'acme/legacy', name: 'main', allow_force_push: true }, cfg))).toEqual([]);
      expect(validate(force, args('ProtectedBranch', { ...B, allow_force_push: true }, cfg))).toHaveLength(1);
    });

    it('a baseline file that does not exist is the loader\'s error, naming the file', () => {
      expect(() => validate(byName('two-factor.required'), args('GroupSecurity', { ...G, require_two_factor_authentication: false }, { baseline: join(dir, 'nope.yaml') }))).toThrow(/nope\.yaml.*no such file/);
    });
  });
});
