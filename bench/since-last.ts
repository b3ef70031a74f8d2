// `npm run bench -- since-last`: 10,000 generated projects (20 ms latency). A full check, then 5 projects changed
// through the API (each emits an audit event), then an incremental check from the full one's snapshot: requests
// and wall time of each, with an admin token (one instance-wide audit read) and with a group owner's token
// (audit events per project).
import '../checks/cli/heap';
import { GitlabClient } from '../gitlab/client';
import { detectGitlab } from '../gitlab/tier';
import { checkLive } from '../checks/pipeline';
import { printTable } from './report';
import { startBenchWorld } from './setup';

export async function benchSinceLast(args: string[]): Promise<void> {
  const { sim, projects, latency, baseline } = await startBenchWorld(args);
  try {
    const rows: [string, string][] = [];

    for (const who of ['admin', 'owner'] as const) {
      const token = sim.tokens[who]!;
      const full = new GitlabClient({ url: sim.url, token });
      const t0 = Date.now();
      const connectAs = (client: GitlabClient) => async () => ({ client, gitlab: await detectGitlab(client, { topGroups: baseline.targets.groups }) });
      const { result, snapshot } = await checkLive(baseline, { connect: connectAs(full), now: () => new Date() });
      const fullMs = Date.now() - t0;

      // Five changes through the API, as a user would make them (each is audited).
      const step = Math.floor(snapshot.projects.length / 5);
      const changed = [0, 1, 2, 3, 4].map((k) => snapshot.projects[k * step + (who === 'admin' ? 3 : 5)]!).filter(Boolean);
      for (const p of changed) await full.patch(`/projects/${p.target.id}/protected_branches/main`, { allow_force_push: true }).catch(() => undefined);

      const inc = new GitlabClient({ url: sim.url, token });
      const t1 = Date.now();
      let fullReason = '';
      const outcome = await checkLive(baseline, {
        connect: connectAs(inc),
        mode: { kind: 'since', previous: snapshot },
        now: () => new Date(),
        onNote: (note) => void (note.startsWith('full check: ') && (fullReason = note.slice('full check: '.length))),
      });
      const incFindings = outcome.pass === 'incremental' ? outcome.result.summary.findings : -1;
      const incMs = Date.now() - t1;
      rows.push(
        [`${who}: full check requests`, String(full.stats().requests - changed.length)],
        [`${who}: full check wall time`, `${(fullMs / 1000).toFixed(1)} s`],
        [`${who}: --since-last mode`, outcome.pass === 'incremental' ? `incremental (${outcome.events} events, ${outcome.reread!.projects.size} projects re-read)` : `full: ${fullReason}`],
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
