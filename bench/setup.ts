// What every simulator benchmark starts with: a generated instance in a child process (so RSS figures are the
// checker's alone), a hardened baseline pointing at it, and the rules that baseline turns on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBaseline } from '../checks/baseline/load';
import type { Baseline } from '../model/baseline';
import { activeRules } from '../checks/evaluate';
import { CATALOG } from '../policies/catalog';
import type { Rule } from '../policies/rule';
import { startSimProcess, type SimProcess } from './sim-process';

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export interface BenchWorld {
  sim: SimProcess;
  projects: number;
  latency: number;
  dir: string;
  baselineFile: string;
  baseline: Baseline;
  rules: Rule[];
}

/**
 * `--projects N` (default 10,000) and `--latency MS` (default 20) from the bench's arguments; `--off id,id` turns rules
 * off in the bench's hardened baseline (to compare against a version that had fewer rules).
 */
export async function startBenchWorld(args: string[]): Promise<BenchWorld> {
  const projects = Number(argValue(args, '--projects') ?? 10_000);
  const latency = Number(argValue(args, '--latency') ?? 20);
  const sim = await startSimProcess(['--scenario', 'generate', '--projects', String(projects), '--latency', String(latency)]);
  const dir = mkdtempSync(join(tmpdir(), 'posture-bench-'));
  const baselineFile = join(dir, 'baseline.yaml');
  const off = (argValue(args, '--off') ?? '').split(',').filter(Boolean);
  const rules = off.length > 0 ? `rules: { ${off.map((id) => `"${id}": off`).join(', ')} }\n` : '';
  writeFileSync(baselineFile, `gitlab: { url: ${sim.url} }\ntargets: { groups: [bench] }\nprofile: hardened\n${rules}`);
  const baseline = loadBaseline(baselineFile, { allowExpiredWaivers: true });
  // Every bench ends with sim.stop(): the baseline's temp dir goes with the simulator.
  const stopSim = sim.stop;
  const stopping: SimProcess = { ...sim, stop: async () => { await stopSim(); rmSync(dir, { recursive: true, force: true }); } };
  return { sim: stopping, projects, latency, dir, baselineFile, baseline, rules: activeRules(CATALOG, baseline) };
}
