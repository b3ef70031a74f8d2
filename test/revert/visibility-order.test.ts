// GitLab refuses a group more private than its projects, and a project more open than its group
// (gitlab-api.md §3.3; the sim does too). The incident scenario opened both, so it must be reverted children
// first and undone parents first, or the writes fail on a real GitLab.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const visibilityOf = (path: string) =>
  sim!.state.groups.find((g) => g.full_path === path)?.visibility ?? sim!.state.projects.find((p) => p.path_with_namespace === path)?.visibility;

describe('visibility writes in a valid order', () => {
  it('revert tightens the project before its group; undo loosens the group before its project', async () => {
    // The incident opened the group first, then the project in it (sim/scenarios/incident.ts).
    sim = await startSim({ scenario: 'incident' });
    expect([visibilityOf('acme'), visibilityOf('acme/web')]).toEqual(['public', 'public']);
    const dir = tempDir();
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const journal = join(dir, 'journal');
    const env = { GITLAB_TOKEN: sim.tokens.owner };

    const revert = await runCli(['revert', '--baseline', baseline, '--yes', '--journal', journal, '--only', 'visibility.*'], env);
    expect(revert.stderr).toBe('');
    expect(revert.code).toBe(0);
    expect(visibilityOf('acme/web')).toBe('private');
    expect(visibilityOf('acme')).toBe('private');
    // The audit log shows the order: project first, then group.
    const order = sim.state.audit_events
      .filter((e) => /visibility_level_updated$/.test(e.event_name ?? ''))
      .slice(-2)
      .map((e) => e.details.entity_path);
    expect(order).toEqual(['acme/web', 'acme']);

    const file = join(journal, readdirSync(journal).find((f) => f.endsWith('.jsonl'))!);
    const undo = await runCli(['undo', file, '--yes', '--baseline', baseline], env);
    expect(undo.code).toBe(0);
    expect(visibilityOf('acme')).toBe('public');
    expect(visibilityOf('acme/web')).toBe('public');
  });
});
