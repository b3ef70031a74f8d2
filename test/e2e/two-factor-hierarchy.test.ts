// Two-factor is judged as GitLab enforces it: the group or an ancestor requiring it
// (User#expanded_groups_requiring_two_factor_authentication, app/models/user.rb), the shortest grace period among
// them (User#update_two_factor_requirement). A baseline that targets a subgroup reads its ancestors once each
// (GET /groups/:id?with_projects=false); subgroups of a target answer from the listing. Issue 13, item 3.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startSim, type RunningSim } from '../../sim';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';
import type { CheckResult } from '../../model/result';

let sim: RunningSim | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sim = dir = undefined;
});

async function check(targets: string) {
  dir = tempDir();
  const baseline = writeBaseline(dir, sim!.url, `targets: { groups: [${targets}] }\nprofile: hardened\nsettings:\n  two-factor: { max_grace_period: 8 }\n`);
  const run = await runCli(['check', '--baseline', baseline, '--format', 'json', '--only', 'two-factor.*'], { GITLAB_TOKEN: sim!.tokens.owner });
  return { code: run.code, result: JSON.parse(run.stdout) as CheckResult };
}

describe('two-factor over the group hierarchy', () => {
  it('a subgroup under a requiring top-level group is compliant; a long grace inherited from it is reported where it applies, fixed only on the top', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
    const platform = sim.state.groups.find((g) => g.full_path === 'acme/platform')!;
    acme.require_two_factor_authentication = true;
    acme.two_factor_grace_period = 48;
    platform.require_two_factor_authentication = false;
    // sandbox requires 2FA itself with 0 hours: the shortest period applies, compliant.
    const sandbox = sim.state.groups.find((g) => g.full_path === 'acme/sandbox')!;
    sandbox.require_two_factor_authentication = true;
    sandbox.two_factor_grace_period = 0;
    const { code, result } = await check('acme');
    expect(code).toBe(1);
    const got = result.findings.map((f) => [f.rule, f.target.path, f.actual, f.revertible]).sort();
    expect(got).toEqual([
      ['two-factor.grace-period', 'acme', 48, true],
      ['two-factor.grace-period', 'acme/platform', 48, false],
    ]);
    expect(result.summary.errors).toBe(0);
  });

  it('a subgroup target reads its ancestors: enforced above the target, nothing to report', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
    sim.state.groups.find((g) => g.full_path === 'acme/platform')!.require_two_factor_authentication = false;
    acme.require_two_factor_authentication = true;
    acme.two_factor_grace_period = 8;
    const { code, result } = await check('"acme/platform"');
    expect([code, result.findings, result.summary.errors]).toEqual([0, [], 0]);

    acme.require_two_factor_authentication = false;
    const off = await check('"acme/platform"');
    expect(off.result.findings.map((f) => [f.rule, f.target.path])).toEqual([['two-factor.required', 'acme/platform']]);
  });
});
