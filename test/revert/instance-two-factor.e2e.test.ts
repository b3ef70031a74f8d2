// Reverting instance 2FA: GitLab answers 400 "two_factor_grace_period is missing" to a PUT /application/settings
// that turns require_two_factor_authentication on alone (lib/api/settings.rb: `given require_two_factor_authentication:
// ->(val) { val } do requires :two_factor_grace_period`; the sim answers the same). The fix sends the live grace
// period, capped at the baseline's max_grace_period, in the same write.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { revertWorld, run } from '../helpers/revert-io';

const BASELINE = `targets: { groups: [acme] }
profile: hardened
settings:
  two-factor: { max_grace_period: 8 }
`;

describe('revert instance.two-factor-required', () => {
  const world = revertWorld({ scenario: 'hardened', tier: 'ultimate' }, BASELINE);

  async function findings() {
    const r = await run(['check', '--baseline', world.baseline, '--format', 'json'], { GITLAB_TOKEN: world.sim.tokens.admin });
    return { code: r.code, rules: (JSON.parse(r.stdout).findings as { rule: string; setting: string }[]).map((f) => `${f.rule} ${f.setting}`) };
  }

  it.each([
    ['a short live grace period is kept', 4, 4],
    ['a long live grace period is capped at the baseline maximum', 72, 8],
  ])('%s; the next check is clean', async (_name, live, written) => {
    const s = world.sim.state.application_settings;
    s.require_two_factor_authentication = false;
    s.two_factor_grace_period = live;
    const before = await findings();
    expect(before.rules).toContain('instance.two-factor-required require_two_factor_authentication');

    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--only', 'instance.two-factor-*', '--journal', `${world.dir}/journal`], { GITLAB_TOKEN: world.sim.tokens.admin });
    expect(r.stderr).not.toContain('two_factor_grace_period is missing');
    expect(r.code).toBe(0);
    expect([s.require_two_factor_authentication, s.two_factor_grace_period]).toEqual([true, written]);

    const after = await findings();
    expect(after).toEqual({ code: 0, rules: [] });
    expect(r.stdout + r.stderr).not.toContain(world.sim.tokens.admin);

    // undo replays the journal: 2FA off again with the live grace period it had.
    const dir = join(world.dir, 'journal');
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    const u = await run(['undo', join(dir, file!), '--yes', '--baseline', world.baseline], { GITLAB_TOKEN: world.sim.tokens.admin });
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    expect([s.require_two_factor_authentication, s.two_factor_grace_period]).toEqual([false, live]);
  });
});
