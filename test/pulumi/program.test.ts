// The program under Pulumi mocks (no CLI): which resources it declares for the sim's hardened and incident states.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import * as pulumi from '@pulumi/pulumi';
import { startSim, type RunningSim } from '../../sim';
import { GitlabClient } from '../../gitlab/client';
import { parseBaseline } from '../../checks/baseline/load';
import { declarePosture, runProgram, type ProgramSummary } from '../../provider/program';
import type { GroupSecurity, ProtectedBranch, Webhook } from '../../provider/resources';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

let registered: Registered[] = [];
/** dependsOn edges as the engine receives them: resource name -> `<Type> <name>` of each dependency. */
let dependsOn = new Map<string, string[]>();
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
  // The mocks' newResource does not see dependencies; the RegisterResource request the mock monitor gets does.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const urnName = (urn: string) => urn.split('::').slice(-2).map((x, i) => (i === 0 ? x.split(':').pop() : x)).join(' ');
    dependsOn.set(req.getName(), (req.getDependenciesList() as string[]).map(urnName).sort());
    return register(req, cb);
  };
});

const BASELINE = `
targets: { groups: [acme], projects: [], exclude: [] }
profile: hardened
settings:
  webhooks: { allowed_hosts: ["hooks.acme.example"] }
waivers:
  - { rule: visibility.project, target: acme/docs-site, reason: public documentation site, expires: 2099-01-01 }
`;

async function declare(
  scenario: 'hardened' | 'incident',
): Promise<{ summary: ProgramSummary; resources: Registered[]; deps: Map<string, string[]>; sim: RunningSim; token: string }> {
  const sim = await startSim({ scenario });
  const token = sim.tokens.owner;
  registered = [];
  dependsOn = new Map();
  const created: pulumi.CustomResource[] = [];
  try {
    const client = new GitlabClient({ url: sim.url, token });
    const summary = await declarePosture({ baseline: parseBaseline(BASELINE, 'baseline.yaml'), client, onResource: (r) => created.push(r) });
    // Registration is asynchronous: wait until every declared resource reached the mocks.
    await new Promise((resolve) => pulumi.all(created.map((r) => r.urn)).apply(resolve));
    return { summary, resources: [...registered], deps: new Map(dependsOn), sim, token };
  } finally {
    await sim.close();
  }
}

const T = (t: string) => `pulumi-nodejs:dynamic/gitlab:${t}`;
const names = (rs: Registered[]) => rs.map((r) => `${r.type.split(':').pop()} ${r.name}`).sort();

describe('program', () => {
  let hardened: Awaited<ReturnType<typeof declare>>;
  let incident: Awaited<ReturnType<typeof declare>>;
  beforeAll(async () => {
    hardened = await declare('hardened');
    incident = await declare('incident');
  });

  it('declares group security with the hardened values, Git abuse limits on the top-level group only', () => {
    const groups = hardened.resources.filter((r) => r.type === T('GroupSecurity'));
    // Deepest first: a group's visibility waits for its subgroups' (see the apply-order test).
    expect(groups.map((g) => g.name)).toEqual(['acme/platform', 'acme/sandbox', 'acme']);
    const { __provider, ...acme } = groups.find((g) => g.name === 'acme')!.inputs;
    expect(acme).toEqual({
      group: 'acme',
      version: '2',
      require_two_factor_authentication: true,
      two_factor_grace_period: 8,
      visibility: 'private',
      unique_project_download_limit: 100,
      unique_project_download_limit_interval_in_seconds: 3600,
      auto_ban_user_on_excessive_projects_download: true,
      prevent_forking_outside_group: true,
      project_creation_level: 'maintainer',
      subgroup_creation_level: 'owner',
      default_branch_protection_defaults: {
        allowed_to_push: [{ access_level: 40 }],
        allowed_to_merge: [{ access_level: 40 }],
        allow_force_push: false,
        developer_can_initial_push: false,
      },
    });
    expect(typeof __provider).toBe('string');
    // Forking protection is the top-level group's alone.
    expect(groups.find((g) => g.name === 'acme/platform')!.inputs).not.toHaveProperty('prevent_forking_outside_group');
    expect(groups.find((g) => g.name === 'acme/platform')!.inputs).not.toHaveProperty('unique_project_download_limit');
  });

  it('declares per project: settings, default-branch protection, approvals; the waived setting is left out', () => {
    const r = hardened.resources;
    const web = r.find((x) => x.type === T('ProjectSecurity') && x.name === 'acme/web')!.inputs;
    expect(web).toMatchObject({ project: 'acme/web', visibility: 'private', public_jobs: false, ci_inbound_job_token_scope_enabled: true, merge_requests_author_approval: false });
    const docs = r.find((x) => x.type === T('ProjectSecurity') && x.name === 'acme/docs-site')!.inputs;
    expect(docs).not.toHaveProperty('visibility');
    expect(hardened.summary.targets['acme/docs-site']!.waived).toEqual(['visibility.project']);
    const branch = r.find((x) => x.type === T('ProtectedBranch') && x.name === 'acme/web:branch:main')!.inputs;
    expect(branch).toMatchObject({ project: 'acme/web', name: 'main', push_access_level: 40, merge_access_level: 40, allow_force_push: false, code_owner_approval_required: true });
    expect(r.filter((x) => x.type === T('ApprovalRule')).map((x) => x.inputs.approvals_required)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('declares allowed hooks and secret-looking variables; the incident adds the new secret, not the attacker hook', () => {
    const of = (rs: Registered[], t: string) => names(rs.filter((x) => x.type === T(t)));
    expect(of(hardened.resources, 'Webhook')).toEqual(['Webhook acme/api:hook:' + hookId(hardened, 'acme/api'), 'Webhook acme/docs-site:hook:' + hookId(hardened, 'acme/docs-site'), 'Webhook acme/web:hook:' + hookId(hardened, 'acme/web')].sort());
    expect(of(incident.resources, 'Webhook')).toEqual(of(hardened.resources, 'Webhook'));
    expect(of(hardened.resources, 'VariableProtection')).toEqual([
      'VariableProtection acme/api:variable:DATABASE_PASSWORD',
      'VariableProtection acme/platform/deploy:variable:DEPLOY_PRIVATE_KEY',
      'VariableProtection acme/platform/infra:variable:TF_API_KEY',
      'VariableProtection acme/web:variable:NPM_TOKEN',
    ]);
    expect(of(incident.resources, 'VariableProtection')).toEqual([...of(hardened.resources, 'VariableProtection'), 'VariableProtection acme/platform/deploy:variable:AWS_SECRET_ACCESS_KEY'].sort());
    const aws = incident.resources.find((x) => x.name.endsWith(':AWS_SECRET_ACCESS_KEY'))!.inputs;
    expect(aws).toMatchObject({ project: 'acme/platform/deploy', key: 'AWS_SECRET_ACCESS_KEY', masked: true, protected: true });
  });

  it('the rest of the incident declares exactly what the hardened state does: the baseline, not the live state', () => {
    const strip = (rs: Registered[]) => names(rs).filter((n) => !n.includes('AWS_SECRET_ACCESS_KEY'));
    expect(strip(incident.resources)).toEqual(strip(hardened.resources));
    expect(incident.resources.every((r) => r.type.startsWith('pulumi-nodejs:dynamic/gitlab:'))).toBe(true);
  });

  it('apply order: a group that tightens visibility dependsOn the visibility resources of all its descendants', () => {
    for (const d of [hardened, incident]) {
      expect(d.deps.get('acme')).toEqual([
        // acme/docs-site is missing: its visibility.project is waived, so its ProjectSecurity declares no visibility.
        'GroupSecurity acme/platform',
        'GroupSecurity acme/sandbox',
        'ProjectSecurity acme/api',
        'ProjectSecurity acme/platform/deploy',
        'ProjectSecurity acme/platform/infra',
        'ProjectSecurity acme/sandbox/scratch',
        'ProjectSecurity acme/web',
      ]);
      expect(d.deps.get('acme/platform')).toEqual(['ProjectSecurity acme/platform/deploy', 'ProjectSecurity acme/platform/infra']);
      expect(d.deps.get('acme/sandbox')).toEqual(['ProjectSecurity acme/sandbox/scratch']);
      // Nothing else waits: projects, branches, hooks and variables apply in parallel.
      const others = [...d.deps].filter(([name]) => !['acme', 'acme/platform', 'acme/sandbox'].includes(name));
      expect(others.filter(([, deps]) => deps.length > 0)).toEqual([]);
    }
  });

  it('resource classes type every input as an output, plus the ids (checked by tsc)', () => {
    expectTypeOf<GroupSecurity['two_factor_grace_period']>().toEqualTypeOf<pulumi.Output<number>>();
    expectTypeOf<GroupSecurity['group_id']>().toEqualTypeOf<pulumi.Output<number>>();
    expectTypeOf<ProtectedBranch['push_access_level']>().toEqualTypeOf<pulumi.Output<number>>();
    expectTypeOf<Webhook['recreateWithoutToken']>().toEqualTypeOf<pulumi.Output<boolean>>();
    expectTypeOf<Webhook['hook_id']>().toEqualTypeOf<pulumi.Output<number>>();
    // Runtime: the constructor registers the resource under its gitlab type token (names() above relies on it).
    expect(hardened.resources.some((r) => r.type === T('Webhook') && r.name.startsWith('acme/web:hook:'))).toBe(true);
  });

  it('declares one PushRule per project and per top-level group with the four push-rules.* checks (subgroups inherit)', () => {
    const rules = hardened.resources.filter((r) => r.type === T('PushRule'));
    expect(rules.map((r) => r.name).sort()).toEqual(['acme/api', 'acme/docs-site', 'acme/platform/deploy', 'acme/platform/infra', 'acme/sandbox/scratch', 'acme/web', 'acme'].map((n) => `${n}:push_rule`).sort());
    expect(rules.find((r) => r.name === 'acme:push_rule')!.inputs).toMatchObject({ group: 'acme', reject_unsigned_commits: true, prevent_secrets: true, member_check: true, commit_committer_check: true });
    expect(rules.find((r) => r.name === 'acme/web:push_rule')!.inputs).toMatchObject({ project: 'acme/web', prevent_secrets: true });
    expect(hardened.summary.targets['acme/web']!.enforced).toContain('push-rules.prevent-secrets');
  });

  it('summarises every target', () => {
    expect(Object.keys(hardened.summary.targets)).toEqual(['acme', 'acme/platform', 'acme/sandbox', 'acme/api', 'acme/docs-site', 'acme/platform/deploy', 'acme/platform/infra', 'acme/sandbox/scratch', 'acme/web']);
    expect(hardened.summary.targets['acme']).toMatchObject({ kind: 'group', resources: ['GroupSecurity acme', 'PushRule acme:push_rule'] });
    expect(hardened.summary.gitlab.tier).toBe('ultimate');
  });

  it('no token in any input or serialized provider', () => {
    for (const d of [hardened, incident]) expect(JSON.stringify(d.resources)).not.toContain(d.token);
  });
});

describe('runProgram (index.ts) reads the stack config', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'hardened', tier: 'free' });
  });
  afterAll(async () => sim.close());

  it('baseline from gitlab-posture:baseline, URL and secret token from gitlab:*; tier gates what is declared', async () => {
    const dir = tempDir('posture-pulumi-');
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, 'targets: { groups: [acme] }\nprofile: baseline\n');
    pulumi.runtime.setAllConfig({ 'gitlab-posture:baseline': file, 'gitlab:url': sim.url, 'gitlab:token': sim.tokens.owner }, ['gitlab:token']);
    registered = [];
    const created: pulumi.CustomResource[] = [];
    const summary = await runProgram({ onResource: (r) => created.push(r) });
    await new Promise((resolve) => pulumi.all(created.map((r) => r.urn)).apply(resolve));
    expect(summary.gitlab.tier).toBe('free');
    expect(summary.profile).toBe('baseline');
    // Free tier: no approval rules, no approval flags, no code owners, no Git abuse limits.
    expect(registered.some((r) => r.type === T('ApprovalRule'))).toBe(false);
    expect(registered.find((r) => r.name === 'acme/web' && r.type === T('ProjectSecurity'))!.inputs).not.toHaveProperty('merge_requests_author_approval');
    expect(summary.targets['acme']!.skipped).toContainEqual({ rule: 'git-abuse.download-limit', reason: 'off in the baseline' });
    expect(summary.targets['acme/web']!.skipped).toContainEqual({ rule: 'mr-approvals.min-approvals', reason: 'requires premium (detected free)' });
    expect(registered.find((r) => r.name === 'acme' && r.type === T('GroupSecurity'))!.inputs).toMatchObject({ two_factor_grace_period: 48, visibility: 'internal' });
    expect(JSON.stringify(registered)).not.toContain(sim.tokens.owner);
  });
});

function hookId(d: { resources: Registered[] }, project: string): string {
  const r = d.resources.find((x) => x.type === T('Webhook') && x.name.startsWith(`${project}:hook:`));
  return r ? r.name.split(':hook:')[1]! : 'missing';
}
