// revert on GitLab CE: PATCH /projects/:id/protected_branches/:name declares only allow_force_push and
// allowed_to_push[deploy_key_id] there (lib/api/helpers/protected_branches_helpers.rb, optional_params_ee empty), so
// access-level changes are dropped with 200. The edition comes from /metadata; such fixes are planned as manual
// with the reason, never "applied" then not verified. Issue 13, item 8.
import { describe, expect, it } from 'vitest';
import { revertWorld, run } from '../helpers/revert-io';

const world = revertWorld({ scenario: 'incident', edition: 'ce', tier: 'free' });
const { project } = world;

describe('revert on GitLab CE', () => {
  it('push access is manual with the reason; force push is PATCHed and verified; nothing ends not verified', async () => {
    const main = () => project('acme/web').protected_branches.find((b) => b.name === 'main')!;
    expect(main().push_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
    const r = await run(['revert', '--baseline', world.baseline, '--journal', world.dir, '--only', 'protected-branches.*', '--yes'], world.env);
    expect(r.stdout).toMatch(/acme\/web \[branch main\]\s+protected-branches\.push push_access_levels: GitLab CE ignores access-level changes in PATCH/);
    expect(r.stdout).toMatch(/verified\s+acme\/web \[branch main\]\s+allow_force_push/);
    expect(r.stdout).not.toContain('NOT VERIFIED');
    expect(main().allow_force_push).toBe(false);
    expect(main().push_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
    expect(world.sim.counts()['PATCH /projects/:id/protected_branches/:name']).toBe(1);
  });
});
