// `npm run bench -- watch-flood [EVENTS]`: whoever holds the streaming token floods `watch` with forged deliveries
// (ids GitLab will hand out next; half dated far in the future) while a real change happens, then watch restarts.
// Prints what the receiver answered, what it processed, where its saved position ended, the heap, and whether the
// real changes (one during the flood, one while watch was down) were found. Bounded: a fixed number of events,
// everything on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../sim/server';
import { runWatch } from '../checks/cli/run/watch';
import type { CliIO } from '../checks/cli/io';
import type { Watcher } from '../checks/watch';
import { TOKEN_HEADER } from '../checks/watch/receiver';

const STREAM_TOKEN = 'bench-stream-token';

export async function benchWatchFlood(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 10_000);
  const sim = await startSim({ scenario: 'hardened' });
  sim.state.groups.find((g) => g.full_path === 'acme')!.visibility = 'public';
  sim.state.application_settings.restricted_visibility_levels = null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-flood-'));
  const baseline = join(dir, 'baseline.yaml');
  writeFileSync(baseline, `gitlab: { url: "${sim.url}" }\ntargets: { groups: [acme] }\nprofile: hardened\n`);
  const lines: Record<string, unknown>[] = [];
  const io: CliIO = {
    stdout: (t) => { for (const l of t.split('\n')) if (l.trim()) { const o = JSON.parse(l) as Record<string, unknown>; if (o.type === 'check') lines.push(o); } },
    stderr: () => undefined,
    env: { GITLAB_TOKEN: sim.tokens.admin, GITLAB_STREAMING_TOKEN: STREAM_TOKEN },
    stdoutIsTTY: false, stderrIsTTY: false, writeFile: () => undefined, now: () => new Date(),
  };
  const start = async () => {
    const abort = new AbortController();
    let ready!: (w: Watcher) => void;
    const watcher = new Promise<Watcher>((r) => (ready = r));
    const done = runWatch({ listen: '127.0.0.1:0', baseline, state: join(dir, 'state.json'), journal: join(dir, 'journal') }, io, { signal: abort.signal, onReady: (w) => ready(w) });
    return { watcher: await watcher, stop: async () => (abort.abort(), done) };
  };
  const makePublic = async (path: string) => {
    const p = sim.state.projects.find((x) => x.path_with_namespace === path)!;
    await fetch(`${sim.apiUrl}/projects/${p.id}`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': sim.tokens.attacker, 'Content-Type': 'application/json' }, body: JSON.stringify({ visibility: 'public' }) });
    return p.id;
  };

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const first = await start();
  const w = first.watcher;
  const acme = sim.state.groups.find((g) => g.full_path === 'acme')!;
  acme.streaming_destinations = [{ id: 1, url: w.url, verification_token: STREAM_TOKEN }];
  const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
  const next = sim.state.next_id;
  const forged = (n: number) => ({
    id: String(next + 1 + (n % 1000)), author_id: 1, entity_id: web.id, entity_type: 'Project',
    created_at: n % 2 === 0 ? '2099-01-01T00:00:00Z' : new Date().toISOString(),
    event_type: 'project_visibility_level_updated', entity_path: 'acme/web', details: {},
  });
  const statuses: Record<string, number> = {};
  let peakHeap = 0;
  const t0 = Date.now();
  let sent = 0;
  let realDuring = 0;
  const worker = async () => {
    while (sent < total) {
      const n = sent++;
      if (n === Math.floor(total / 2)) realDuring = await makePublic('acme/api');
      const res = await fetch(w.url, { method: 'POST', headers: { [TOKEN_HEADER]: STREAM_TOKEN }, body: JSON.stringify(forged(n)) }).catch(() => undefined);
      const key = res ? String(res.status) : 'connection error';
      statuses[key] = (statuses[key] ?? 0) + 1;
      await res?.arrayBuffer().catch(() => undefined);
      if (n % 500 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const floodMs = Date.now() - t0;
  await sim.settleStreams();
  await w.idle();
  const stats1 = w.stats();
  await first.stop();
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { since: string; lastEventId: number | null; recentIds: number[] };
  const realIds = new Set(sim.state.audit_events.map((e) => e.id));
  const duringFound = lines.some((l) => (l.target as { id: number }).id === realDuring);

  const whileDown = await makePublic('acme/docs-site');
  await sim.settleStreams();
  lines.length = 0;
  const second = await start();
  const caught = lines.filter((l) => l.via === 'catch-up').map((l) => (l.target as { id: number }).id);
  const stats2 = second.watcher.stats();
  await second.stop();
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  console.log(`watch-flood: ${total} forged deliveries (ids ${next + 1}..${next + 1000} reused, half dated 2099) over 50 connections in ${floodMs} ms`);
  console.log(`  answers: ${Object.entries(statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  console.log(`  run 1: accepted ${stats1.accepted}, duplicates ${stats1.duplicates}, refused 503 ${stats1.refused}, refused 400 (untrusted created_at) ${stats1.untrustedTime}, processed ${stats1.processed} (catch-up ${stats1.caughtUp}), max queued ${stats1.maxQueued}, rechecks ${stats1.rechecks}`);
  console.log(`  real change during the flood (project ${realDuring}) processed: ${duringFound}`);
  console.log(`  saved position: since ${state.since} (future: ${Date.parse(state.since) > Date.now()}), lastEventId ${state.lastEventId} (a real id: ${state.lastEventId === null || realIds.has(state.lastEventId)}), ${state.recentIds.filter((i) => !realIds.has(i)).length} forged ids kept`);
  console.log(`  restart: catch-up processed ${stats2.caughtUp} event(s); the change made while down (project ${whileDown}) found: ${caught.includes(whileDown)}`);
  console.log(`  heap: before ${mb(heapBefore)}, peak during flood ${mb(peakHeap)}, after ${mb(heapAfter)}`);
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
