// watch --revert converges like revert (issue 15, item 3): a re-check judges only the rules an event can affect,
// but what watch creates (here: the protection of a default branch an attacker removed) must meet every rule a full
// check judges on the target, so the next `check` exits 0. The hardened profile on Ultimate also requires code owner
// approval on protected branches (protected-branches.code-owner-approval), a setting the removal event's own rule
// (protected-branches.default-protected) does not ask for.
import { describe, expect, it } from 'vitest';
import { judgeableRules } from '../../checks/watch/react';
import type { Baseline } from '../../model/baseline';
import { runCli } from '../helpers/cli';
import { quiesce, streamTo, watchStory } from '../helpers/watch-io';

const STREAM_TOKEN = 'stream-verification-7d2e0b11';
const story = watchStory(STREAM_TOKEN, 'posture-watch-converge-');

describe('watch --revert: a created object meets every active rule', () => {
  it('re-protects a default branch with every setting the profile demands; the next check exits 0', async () => {
    const { sim } = story;
    // The story opens acme up for visibility tests; this one starts from the compliant hardened instance.
    sim.state.groups.find((g) => g.full_path === 'acme')!.visibility = 'private';
    sim.state.application_settings.restricted_visibility_levels = ['public'];
    const before = await runCli(['check', '--baseline', story.baseline, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(JSON.parse(before.stdout).findings).toEqual([]);
    expect(before.code).toBe(0);

    const run = await story.watch(['--revert']);
    streamTo(sim, 'acme', run.watcher!.url, STREAM_TOKEN);
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    // The attacker (an owner) unprotects main: GitLab audits it as protected_branch_removed.
    const res = await fetch(`${sim.apiUrl}/projects/${web.id}/protected_branches/main`, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': sim.tokens.attacker } });
    expect(res.status).toBe(204);
    await quiesce(sim, run.watcher!);

    const reverts = run.lines().filter((l) => l.type === 'revert');
    expect(reverts).toHaveLength(1);
    expect(reverts[0]!.results).toEqual([
      expect.objectContaining({ rule: 'protected-branches.default-protected', method: 'POST', path: `/projects/${web.id}/protected_branches`, outcome: 'verified' }),
    ]);
    const main = web.protected_branches.find((b) => b.name === 'main')!;
    expect([main.push_access_levels.map((e) => e.access_level), main.merge_access_levels.map((e) => e.access_level), main.allow_force_push, main.code_owner_approval_required]).toEqual([
      [40], [40], false, true,
    ]);
    expect(await run.stop()).toBe(0);

    const after = await runCli(['check', '--baseline', story.baseline, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(JSON.parse(after.stdout).findings).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('judgeableRules: the rules a full check judges on a target, by kind, tier and role (not only the event\'s)', () => {
    const switches = (enabled: Record<string, boolean> = {}) => ({ enabled }) as unknown as Pick<Baseline, 'enabled'>;
    const baseline = switches();
    const gitlab = { url: 'https://gitlab.example.com', version: '17.9.0-ee', tier: 'ultimate' as const, tierSource: 'license' as const, isAdmin: false, edition: 'ee' as const };
    const project = { kind: 'project' as const, path: 'acme/web', id: 1 };
    const ultimate = judgeableRules(baseline, gitlab)(project);
    expect(ultimate).toContain('protected-branches.code-owner-approval');
    expect(ultimate).toContain('protected-branches.default-protected');
    expect(ultimate).not.toContain('groups.project-creation'); // a group rule
    expect(judgeableRules(baseline, gitlab)({ kind: 'group', path: 'acme', id: 3 })).toContain('groups.project-creation');
    // Free: the Premium rule is not judged, so a created protection does not carry its setting.
    expect(judgeableRules(baseline, { ...gitlab, tier: 'free' })(project)).not.toContain('protected-branches.code-owner-approval');
    // Per namespace: beta's Free plan governs beta/app even though acme is Ultimate.
    const perNs = { ...gitlab, tierSource: 'namespace' as const, namespaces: { acme: { tier: 'ultimate' as const, tierSource: 'namespace' as const }, beta: { tier: 'free' as const, tierSource: 'namespace' as const } } };
    expect(judgeableRules(baseline, perNs)({ kind: 'project', path: 'beta/app', id: 2 })).not.toContain('protected-branches.code-owner-approval');
    expect(judgeableRules(baseline, perNs)(project)).toContain('protected-branches.code-owner-approval');
    // Off in the baseline: not judged.
    expect(judgeableRules(switches({ 'protected-branches.code-owner-approval': false }), gitlab)(project)).not.toContain('protected-branches.code-owner-approval');
  });
});
