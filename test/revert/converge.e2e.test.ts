// One `revert` converges (issue 15, item 3): what it creates — a protected branch for a required pattern the
// project lacks, an approval rule — meets every active rule of the profile in the same run, so the next `check`
// exits 0. A create step carries every setting the active rules demand of the new object, instead of a second
// write on an object that does not exist yet when the plan is made.
import { beforeEach, describe, expect, it } from 'vitest';
import { revertWorld, run } from '../helpers/revert-io';

const BASELINE = `targets: { groups: [acme] }
profile: hardened
settings:
  webhooks: { allowed_hosts: ["hooks.acme.example"] }
  protected-branches: { branches: [default, "release/*"] }
`;

async function check(baseline: string, env: Record<string, string>) {
  const r = await run(['check', '--baseline', baseline, '--format', 'json'], env);
  return { code: r.code, findings: JSON.parse(r.stdout).findings.map((f: { rule: string; target: { path: string }; setting: string }) => `${f.target.path} ${f.rule} ${f.setting}`) };
}

describe('revert converges in one run', () => {
  const world = revertWorld({ scenario: 'hardened', tier: 'ultimate' }, BASELINE);
  const { project } = world;
  beforeEach(() => {
    // acme/web loses its approval rules; no project but acme/api protects release/*.
    project('acme/web').approval_rules = [];
  });

  it('creates release/* and the approval rule with every required setting; the next check exits 0', async () => {
    const before = await check(world.baseline, world.env);
    expect(before.code).toBe(1);
    expect(before.findings).toEqual([
      'acme/docs-site protected-branches.default-protected protected',
      'acme/platform/deploy protected-branches.default-protected protected',
      'acme/platform/infra protected-branches.default-protected protected',
      'acme/sandbox/scratch protected-branches.default-protected protected',
      'acme/web mr-approvals.min-approvals approvals_required',
      'acme/web protected-branches.default-protected protected',
    ]);
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('also sets code_owner_approval_required: true (protected-branches.code-owner-approval)');
    expect(r.stdout).toContain('6 of 6 change(s) applied and verified');
    // One write per created object: no PATCH after the POST.
    expect(world.sim.counts()['POST /projects/:id/protected_branches']).toBe(5);
    expect(world.sim.counts()['PATCH /projects/:id/protected_branches/:name'] ?? 0).toBe(0);

    expect(await check(world.baseline, world.env)).toEqual({ code: 0, findings: [] });
    for (const path of ['acme/web', 'acme/docs-site', 'acme/platform/deploy', 'acme/platform/infra', 'acme/sandbox/scratch']) {
      const created = project(path).protected_branches.find((b) => b.name === 'release/*')!;
      expect({
        path,
        push: created.push_access_levels.map((e) => e.access_level),
        merge: created.merge_access_levels.map((e) => e.access_level),
        force: created.allow_force_push,
        codeOwners: created.code_owner_approval_required,
      }).toEqual({ path, push: [40], merge: [40], force: false, codeOwners: true });
    }
    // The hardened profile asks for 2 approvals; the new rule covers every branch (no protected_branches listed).
    expect(project('acme/web').approval_rules.map((a) => [a.rule_type, a.approvals_required, a.applies_to_all_protected_branches, a.protected_branch_ids.length])).toEqual([
      ['any_approver', 2, false, 0],
    ]);
  });
});

describe('on Free, where code owners are not judged', () => {
  const world = revertWorld({ scenario: 'hardened', tier: 'free' }, BASELINE);
  const { project } = world;

  it('creates the protection without code_owner_approval_required and still converges', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('code_owner_approval_required');
    expect(world.sim.counts()['POST /projects/:id/protected_branches']).toBe(5);
    expect(await check(world.baseline, world.env)).toEqual({ code: 0, findings: [] });
    const created = project('acme/web').protected_branches.find((b) => b.name === 'release/*')!;
    expect([created.push_access_levels.map((e) => e.access_level), created.merge_access_levels.map((e) => e.access_level), created.allow_force_push]).toEqual([[40], [40], false]);
  });
});
