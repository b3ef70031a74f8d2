// collect()'s two modes, called directly (the CLI's --since-last tests are in since-last.test.ts): `full` stamps the
// snapshot an incremental pass can start from; `since` re-reads only what audit events touched, and falls back to a
// full pass with a note saying why.
import { afterEach, describe, expect, it } from 'vitest';
import { loadBaseline } from '../../checks/baseline/load';
import { collect } from '../../checks/collect';
import { scopeKeyOf } from '../../checks/collect/plan';
import { activeRules } from '../../checks/evaluate';
import { GitlabClient } from '../../gitlab/client';
import { detectGitlab } from '../../gitlab/tier';
import { CATALOG } from '../../policies/catalog';
import { startSim, type RunningSim } from '../../sim';
import { tempDir, writeBaseline } from '../helpers/cli';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function world() {
  sim = await startSim({ scenario: 'generate', projects: 12 });
  const baseline = loadBaseline(writeBaseline(tempDir(), sim.url, 'targets: { groups: [bench] }\nprofile: hardened\n'), { allowExpiredWaivers: true });
  const rules = activeRules(CATALOG, baseline);
  const connect = async () => {
    const client = new GitlabClient({ url: sim!.url, token: sim!.tokens.admin });
    return { client, gitlab: await detectGitlab(client, { topGroups: baseline.targets.groups }) };
  };
  return { baseline, rules, connect };
}

describe('collect() modes', () => {
  it('full (the default): every project read, the snapshot stamped with its full pass and scope', async () => {
    const { baseline, rules, connect } = await world();
    const { client, gitlab } = await connect();
    const notes: string[] = [];
    const run = await collect(client, baseline, { rules, gitlab, onNote: (n) => notes.push(n) });
    expect(run.pass).toBe('full');
    expect(run.reread).toBeUndefined();
    expect(run.snapshot.projects).toHaveLength(12);
    expect(run.snapshot.fullPassAt).toBe(run.snapshot.takenAt);
    expect(run.snapshot.scopeKey).toBe(scopeKeyOf(baseline, gitlab, rules));
    expect(notes).toEqual([]);
  });

  it('since without a previous snapshot: a full pass, and a note that says why', async () => {
    const { baseline, rules, connect } = await world();
    const { client, gitlab } = await connect();
    const notes: string[] = [];
    const run = await collect(client, baseline, { rules, gitlab, mode: { kind: 'since', previous: undefined }, onNote: (n) => notes.push(n) });
    expect(run.pass).toBe('full');
    expect(run.snapshot.projects).toHaveLength(12);
    expect(notes).toEqual(['full check: no previous snapshot in the state directory (this run saves one)']);
  });

  it('since after one audited change: only that project is read again, the rest reused', async () => {
    const { baseline, rules, connect } = await world();
    const first = await connect();
    const full = await collect(first.client, baseline, { rules, gitlab: first.gitlab });
    const changed = full.snapshot.projects[4]!.target;
    // Audited as protected_branch_allow_force_push_updated (GitLab EE's Audit::ProtectedBranchesChangesAuditor).
    await first.client.patch(`/projects/${changed.id}/protected_branches/main`, { allow_force_push: true });

    const second = await connect();
    const notes: string[] = [];
    const run = await collect(second.client, baseline, { rules, gitlab: second.gitlab, mode: { kind: 'since', previous: full.snapshot }, onNote: (n) => notes.push(n) });
    expect(run.pass).toBe('incremental');
    expect([...run.reread!.projects]).toEqual([changed.id]);
    expect(run.events).toBeGreaterThanOrEqual(1);
    expect(run.snapshot.fullPassAt).toBe(full.snapshot.fullPassAt);
    expect(notes.some((n) => n.startsWith(`incremental since ${full.snapshot.takenAt}:`))).toBe(true);
    const branch = (state: (typeof run.snapshot.projects)[number]) =>
      state.protectedBranches?.ok ? state.protectedBranches.value.find((b) => b.name === 'main')?.allow_force_push : undefined;
    expect(branch(run.snapshot.projects.find((p) => p.target.id === changed.id)!)).toBe(true);
    // A project nobody touched keeps the very read object of the previous snapshot.
    const other = full.snapshot.projects[0]!;
    expect(run.snapshot.projects.find((p) => p.target.id === other.target.id)!.protectedBranches).toBe(other.protectedBranches);
  });

  it('since with a full pass older than fullEveryMs: a full pass, and the note names --full-every', async () => {
    const { baseline, rules, connect } = await world();
    const first = await connect();
    const full = await collect(first.client, baseline, { rules, gitlab: first.gitlab });
    const later = new Date(Date.parse(full.snapshot.takenAt) + 2 * 3_600_000);
    const notes: string[] = [];
    const run = await collect(first.client, baseline, {
      rules,
      gitlab: first.gitlab,
      now: () => later,
      mode: { kind: 'since', previous: full.snapshot, fullEveryMs: 3_600_000 },
      onNote: (n) => notes.push(n),
    });
    expect(run.pass).toBe('full');
    expect(run.snapshot.fullPassAt).toBe(later.toISOString());
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('older than --full-every');
  });
});
