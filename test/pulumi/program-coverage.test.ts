// Every writable setting behind a catalog rule is owned by some Pulumi resource (issue 16), and the program declares
// the new ones: InstanceSettings for an administrator token only, one DeployKey per deploy key. Under Pulumi mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import { startSim, type RunningSim } from '../../sim';
import { GitlabClient } from '../../gitlab/client';
import { parseBaseline } from '../../checks/baseline/load';
import { declarePosture, type ProgramSummary } from '../../provider/program';
import { GUARDS } from '../../provider/judge';
import { CATALOG } from '../../policies/catalog';
import type { SimTokens } from '../../sim/scenarios';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
let registered: Registered[] = [];
beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'gitlab-posture',
    'test',
    true,
  );
});

const T = (t: string) => `pulumi-nodejs:dynamic/gitlab:${t}`;

/** Rules no resource guards, and why: each fix is manual (a decision about people or a project's future) or destructive. */
const UNGUARDED: Record<string, string> = {
  'protected-branches.deploy-key-push': 'removes a named deploy key from push access: destructive, revert --allow-destructive',
  'webhooks.allowed-hosts': 'deletes a hook: destructive, revert --allow-destructive',
  'projects.inactive': 'manual: archiving is a decision about the project',
  'members.too-many-owners': 'manual: who keeps a role is for the owners',
  'members.two-factor': 'manual: GitLab cannot turn 2FA on for a user',
  'members.external-elevated': 'manual: lowering a named user',
  'instance.stale-admins': 'manual: demoting an administrator is for people',
};

describe('coverage: every rule with a writable, non-destructive fix is guarded by a resource', () => {
  it('the unguarded rules are exactly the manual and destructive ones', () => {
    const guarded = new Set(Object.values(GUARDS).flat().map((g) => g.rule.id));
    expect(CATALOG.filter((r) => !guarded.has(r.id)).map((r) => r.id).sort()).toEqual(Object.keys(UNGUARDED).sort());
  });
});

const BASELINE = `
targets: { groups: [acme], projects: [], exclude: [] }
profile: hardened
settings:
  webhooks: { allowed_hosts: ["hooks.acme.example"] }
`;

async function declare(as: keyof SimTokens): Promise<{ summary: ProgramSummary; resources: Registered[] }> {
  const sim: RunningSim = await startSim({ scenario: 'hardened' });
  sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.deploy_keys.push({ id: 9001, title: 'ci', can_push: true }, { id: 9002, title: 'mirror', can_push: false });
  registered = [];
  const created: pulumi.CustomResource[] = [];
  try {
    const client = new GitlabClient({ url: sim.url, token: sim.tokens[as] });
    const summary = await declarePosture({ baseline: parseBaseline(BASELINE, 'baseline.yaml'), client, onResource: (r) => created.push(r) });
    await new Promise((resolve) => pulumi.all(created.map((r) => r.urn)).apply(resolve));
    return { summary, resources: [...registered] };
  } finally {
    await sim.close();
  }
}

describe('program: InstanceSettings and DeployKey', () => {
  let admin: Awaited<ReturnType<typeof declare>>;
  let owner: Awaited<ReturnType<typeof declare>>;
  beforeAll(async () => {
    admin = await declare('admin');
    owner = await declare('owner');
  });
  afterAll(() => pulumi.runtime.setMocks({ newResource: () => ({ id: '', state: {} }), call: () => ({}) }));

  it('an administrator token declares one InstanceSettings with the hardened values of every instance rule that is on', () => {
    const inst = admin.resources.filter((r) => r.type === T('InstanceSettings'));
    expect(inst.map((r) => r.name)).toEqual(['instance']);
    const { __provider, version, returned_keys, require_admin_approval_after_user_signup, domain_allowlist, throttle_unauthenticated_enabled, ...inputs } = inst[0]!.inputs;
    expect(version).toBe('2');
    expect(inputs).toEqual({
      require_two_factor_authentication: true,
      two_factor_grace_period: 8,
      max_number_of_repository_downloads: 100,
      max_number_of_repository_downloads_within_time_period: 3600,
      auto_ban_user_on_excessive_projects_download: true,
      signup_enabled: false,
      email_confirmation_setting: 'hard',
      password_authentication_enabled_for_git: false,
      throttle_authenticated_api_enabled: true,
      throttle_authenticated_web_enabled: true,
      throttle_unauthenticated_api_enabled: true,
      throttle_unauthenticated_web_enabled: true,
      default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false },
      restricted_visibility_levels: ['public'],
      default_project_visibility: 'internal',
      default_group_visibility: 'internal',
      allow_local_requests_from_web_hooks_and_services: false,
      allow_local_requests_from_system_hooks: false,
      max_personal_access_token_lifetime: 90,
      admin_mode: true,
      allow_runner_registration_token: false,
    });
    expect(admin.summary.instance).toMatchObject({ kind: 'instance', resources: ['InstanceSettings instance'] });
    expect(admin.summary.instance!.enforced).toHaveLength(14);
    expect(admin.summary.instance!.skipped).toEqual([{ rule: 'instance.stale-admins', reason: 'not a setting: demoting or blocking an administrator is for people (check reports it)' }]);
  });

  it('another token declares no InstanceSettings and says why for each instance rule (skipped, never passed)', () => {
    expect(owner.resources.some((r) => r.type === T('InstanceSettings'))).toBe(false);
    expect(owner.summary.instance!.resources).toEqual([]);
    expect(owner.summary.instance!.enforced).toEqual([]);
    expect(owner.summary.instance!.skipped).toHaveLength(15);
    expect(owner.summary.instance!.skipped.every((s) => s.reason === 'needs an administrator token')).toBe(true);
  });

  it('one DeployKey per deploy key of a project, declared read-only', () => {
    const keys = owner.resources.filter((r) => r.type === T('DeployKey')).map((r) => [r.name, r.inputs.project, r.inputs.key_id, r.inputs.can_push]);
    expect(keys).toEqual([
      ['acme/web:deploy_key:9001', 'acme/web', 9001, false],
      ['acme/web:deploy_key:9002', 'acme/web', 9002, false],
    ]);
    expect(owner.summary.targets['acme/web']!.enforced).toContain('projects.deploy-key-write');
  });
});
