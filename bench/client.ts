// `npm run bench -- client`: lists 10,000 generated projects (20 ms latency per request) through
// client.pages(), with the read-ahead window and without it, and prints figures (no verdicts).
import { GitlabClient } from '../gitlab/client';
import type { GlProject } from '../gitlab/types';
import { peakRssMb, printTable } from './report';
import { startSimProcess } from './sim-process';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function listAll(url: string, token: string, readAhead: number): Promise<{ rows: number; client: GitlabClient; wallMs: number }> {
  const client = new GitlabClient({ url, token });
  const started = Date.now();
  let rows = 0;
  // Count rows only: memory stays O(page × read-ahead window).
  for await (const page of client.pages<GlProject>('/groups/bench/projects', { include_subgroups: true, per_page: 100 }, { readAhead })) {
    rows += page.length;
  }
  return { rows, client, wallMs: Date.now() - started };
}

export async function benchClient(args: string[] = []): Promise<void> {
  const projects = Number(argValue(args, '--projects') ?? 10_000);
  const latency = Number(argValue(args, '--latency') ?? 20);
  const sim = await startSimProcess(['--scenario', 'generate', '--projects', String(projects), '--latency', String(latency)]);
  try {
    const token = sim.tokens.owner ?? sim.tokens.admin!;
    const ahead = await listAll(sim.url, token, 6);
    const seq = await listAll(sim.url, token, 1);
    const row = (r: typeof ahead): string => {
      const s = r.client.stats();
      return `${r.rows} rows, ${s.requests} requests, ${r.wallMs} ms, effective concurrency ${s.effectiveConcurrency}, peak in flight ${s.peakInFlight}, retries ${s.retries}`;
    };
    printTable(`client: list ${projects} projects, ${latency} ms latency`, [
      ['read-ahead 6', row(ahead)],
      ['sequential', row(seq)],
      ['speed-up', `${(seq.wallMs / Math.max(1, ahead.wallMs)).toFixed(1)}x`],
      ['peak RSS (this process)', `${peakRssMb().toFixed(0)} MB`],
    ]);
  } finally {
    await sim.stop();
  }
}
