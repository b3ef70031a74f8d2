// `npm run bench -- since-last`: 10,000 generated projects (20 ms latency). A full check, then 5 projects changed
// through the API (each emits an audit event), then an incremental check from the full one's snapshot: requests
// and wall time of each, with an admin token (one instance-wide audit read) and with a group owner's token
// (audit events per project).
import '../checks/cli/heap';
import { GitlabClient } from '../gitlab/client';
import { detectGitlab } from '../gitlab/tier';
import { evaluate } from '../checks/evaluate';
import { collect, enrich } from '../checks/collect';
import { collectSinceLast, scopeKeyOf } from '../checks/scale/incremental';
import type { Snapshot } from '../model/snapshot';
import { CATALOG } from '../policies/catalog';
import { printTable } from './report';
import { startBenchWorld } from './setup';

export async function benchSinceLast(args: string[]): Promise<void> {
  const { sim, projects, latency, baseline, rules } = await startBenchWorld(args);
  try {
    const rows: [string, string][] = [];

    for (const who of ['admin', 'owner'] as const) {
      const token = sim.tokens[who]!;
      const full = new GitlabClient({ url: sim.url, token });
      const t0 = Date.now();
      const gitlab = await detectGitlab(full, { topGroups: baseline.targets.groups });
      const snapshot: Snapshot = await collect(full, baseline, { rules, gitlab });
      snapshot.fullPassAt = snapshot.takenAt;
      snapshot.scopeKey = scopeKeyOf(baseline, gitlab, rules);
      let result = evaluate(snapshot, baseline, { rules: CATALOG });
      if ((await enrich(full, snapshot, rules, result.findings)) > 0) result = evaluate(snapshot, baseline, { rules: CATALOG });
      const fullMs = Date.now() - t0;

      // Five changes through the API, as a user would make them (each is audited).
      const step = Math.floor(snapshot.projects.length / 5);
      const changed = [0, 1, 2, 3, 4].map((k) => snapshot.projects[k * step + (who === 'admin' ? 3 : 5)]!).filter(Boolean);
      for (const p of changed) await full.patch(`/projects/${p.target.id}/protected_branches/main`, { allow_force_push: true }).catch(() => undefined);

      const inc = new GitlabClient({ url: sim.url, token });
      const t1 = Date.now();
      const gitlab2 = await detectGitlab(inc, { topGroups: baseline.targets.groups });
      const outcome = await collectSinceLast(inc, baseline, snapshot, { rules, gitlab: gitlab2, now: () => new Date() });
      let incFindings = -1;
      if (outcome.mode === 'incremental') {
        let r = evaluate(outcome.snapshot, baseline, { rules: CATALOG });
        const mine = r.findings.filter((f) => f.target.kind === 'project' && outcome.reread.projects.has(f.target.id));
        if ((await enrich(inc, outcome.snapshot, rules, mine)) > 0) r = evaluate(outcome.snapshot, baseline, { rules: CATALOG });
        incFindings = r.summary.findings;
      }
      const incMs = Date.now() - t1;
      rows.push(
        [`${who}: full check requests`, String(full.stats().requests - changed.length)],
        [`${who}: full check wall time`, `${(fullMs / 1000).toFixed(1)} s`],
        [`${who}: --since-last mode`, outcome.mode === 'incremental' ? `incremental (${outcome.events} events, ${outcome.reread.projects.size} projects re-read)` : `full: ${outcome.reason}`],
        [`${who}: --since-last requests`, String(inc.stats().requests)],
        [`${who}: --since-last wall time`, `${(incMs / 1000).toFixed(2)} s`],
        [`${who}: findings full -> incremental`, `${result.summary.findings} -> ${incFindings} (+${changed.length} changed)`],
        [`${who}: request ratio full / incremental`, `${(full.stats().requests / Math.max(1, inc.stats().requests)).toFixed(0)}x`],
      );
    }
    printTable(`since-last: ${projects} projects, 5 changed, ${latency} ms latency`, rows);
  } finally {
    await sim.stop();
  }
}
