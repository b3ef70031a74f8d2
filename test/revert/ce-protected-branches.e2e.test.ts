// revert on GitLab CE: PATCH /projects/:id/protected_branches/:name declares only allow_force_push and
// allowed_to_push[deploy_key_id] there (lib/api/helpers/protected_branches_helpers.rb, optional_params_ee empty), so
// access-level changes are dropped with 200. The edition comes from /metadata; such fixes are planned as manual
// with the reason, never "applied" then not verified. Issue 13, item 8.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim/server';
import { ACME_HARDENED, run, tempDir, writeBaseline } from '../helpers/revert-io';

let sim: RunningSim;
let dir: string;
beforeEach(async () => {
  sim = await startSim({ scenario: 'incident', edition: 'ce', tier: 'free' });
  dir = tempDir();
});
afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('revert on GitLab CE', () => {
  it('push access is manual with the reason; force push is PATCHed and verified; nothing ends not verified', async () => {
    const main = () => sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.protected_branches.find((b) => b.name === 'main')!;
    expect(main().push_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    const r = await run(['revert', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED), '--journal', dir, '--only', 'protected-branches.*', '--yes'], env);
    expect(r.stdout).toMatch(/acme\/web \[branch main\]\s+protected-branches\.push push_access_levels: GitLab CE ignores access-level changes in PATCH/);
    expect(r.stdout).toMatch(/verified\s+acme\/web \[branch main\]\s+allow_force_push/);
    expect(r.stdout).not.toContain('NOT VERIFIED');
    expect(main().allow_force_push).toBe(false);
    expect(main().push_access_levels.map((e) => e.access_level)).toEqual([40, 30]);
    expect(sim.counts()['PATCH /projects/:id/protected_branches/:name']).toBe(1);
  });
});
