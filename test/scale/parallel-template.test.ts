// Lints ci/parallel-check.yml: N shard jobs (`parallel:`) feeding one merge job (`needs:`), every gitlab-posture
// call checked against the commander program the CLI builds, and the shard -> merge file flow run for real on
// the simulator (the scripts' calls, with CI_NODE_INDEX/CI_NODE_TOTAL filled in).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../checks/cli/main';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import { captureIO } from '../helpers/cli';

const FILE = join(__dirname, '..', '..', 'ci', 'parallel-check.yml');
const doc = parse(readFileSync(FILE, 'utf8')) as Record<string, Record<string, unknown>>;
const vars = doc.variables as unknown as Record<string, string>;
type Job = Record<string, unknown>;

const job = (name: string): Job => ({ ...(doc[String(doc[name]!.extends)] ?? {}), ...doc[name] });
const lines = (j: Job) => ((j.script as string[]) ?? []).map((l) => l.trim()).filter((l) => !l.startsWith('#'));

function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** The gitlab-posture argv of each call (shell operators and what follows dropped). */
function calls(name: string): string[][] {
  return lines(job(name))
    .map(words)
    .filter((w) => w[0] === 'gitlab-posture')
    .map((w) => {
      const end = w.findIndex((x) => ['||', '&&', ';', '|'].includes(x));
      return w.slice(1, end < 0 ? undefined : end);
    });
}

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('ci/parallel-check.yml', () => {
  it('shards run in parallel with --shard $CI_NODE_INDEX/$CI_NODE_TOTAL; merge needs them all and runs always', () => {
    expect(doc.stages).toEqual(['posture', 'posture-report']);
    const shard = job('posture:check-shard');
    expect(Number.isInteger(shard.parallel)).toBe(true);
    expect(shard.parallel as number).toBeGreaterThan(1);
    expect(shard.stage).toBe('posture');
    const [check] = calls('posture:check-shard');
    expect(check!.slice(0, 1)).toEqual(['check']);
    expect(check![check!.indexOf('--shard') + 1]).toBe('$CI_NODE_INDEX/$CI_NODE_TOTAL');
    expect(check![check!.indexOf('--format') + 1]).toBe('json');
    const merge = job('posture:merge');
    expect(merge.stage).toBe('posture-report');
    expect(merge.needs).toEqual([{ job: 'posture:check-shard', artifacts: true }]);
    for (const rule of merge.rules as Job[]) expect(rule.when).toBe('always');
    expect(Object.keys(vars)).not.toContain('GITLAB_TOKEN');
  });

  it('every call uses commands and flags the CLI has, with valid choices', () => {
    const { io } = captureIO({});
    const program = buildProgram(io, () => undefined);
    const all = [...calls('posture:check-shard'), ...calls('posture:merge')];
    expect(all.map((c) => c[0])).toEqual(['check', 'merge', 'merge', 'merge', 'merge', 'merge']);
    for (const argv of all) {
      const cmd = program.commands.find((c: Command) => c.name() === argv[0])!;
      expect(cmd).toBeDefined();
      for (let i = 1; i < argv.length; i += 1) {
        if (!argv[i]!.startsWith('--')) continue;
        const opt = (cmd.options as Option[]).find((o) => o.long === argv[i]);
        expect(opt, `${argv[0]} has no ${argv[i]}`).toBeDefined();
        if (opt!.required) {
          const value = argv[i + 1]!.replace(/\$\{?([A-Z_]+)\}?/g, (m, v: string) => vars[v] ?? m);
          if (opt!.argChoices) expect(opt!.argChoices).toContain(value);
          i += 1;
        }
      }
    }
  });

  it('merge publishes what it writes, as the right report types; shards publish their JSON', () => {
    const merge = job('posture:merge');
    const artifacts = merge.artifacts as { paths: string[]; reports: Record<string, string> };
    const written = calls('posture:merge').map((c) => c[c.indexOf('--output') + 1]!);
    expect([...new Set([...artifacts.paths, ...Object.values(artifacts.reports)])].sort()).toEqual([...written].sort());
    const formatOf = (file: string) => calls('posture:merge').find((c) => c[c.indexOf('--output') + 1] === file)![calls('posture:merge').find((c) => c[c.indexOf('--output') + 1] === file)!.indexOf('--format') + 1];
    expect(formatOf(artifacts.reports.junit!)).toBe('junit');
    expect(formatOf(artifacts.reports.codequality!)).toBe('codequality');
    const [check] = calls('posture:check-shard');
    expect((job('posture:check-shard').artifacts as { paths: string[] }).paths).toEqual([check![check!.indexOf('--output') + 1]]);
  });

  it('the scripts work end to end on the simulator: N shards, then merge of the glob, exit as a full check', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir();
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const total = job('posture:check-shard').parallel as number;
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    const fill = (arg: string, k: number) =>
      arg.replace('$CI_NODE_INDEX', String(k)).replace('$CI_NODE_TOTAL', String(total)).replace('$POSTURE_BASELINE', baseline).replace('$POSTURE_FAIL_ON', vars.POSTURE_FAIL_ON!);
    const [check] = calls('posture:check-shard');
    for (let k = 1; k <= total; k += 1) {
      const argv = check!.map((a) => fill(a, k)).map((a) => (a.endsWith('.json') ? join(dir, a) : a));
      const run = await runCli(argv, env);
      expect([0, 1]).toContain(run.code);
    }
    const shardFiles = readdirSync(dir).filter((f) => /^gl-posture-shard-\d+\.json$/.test(f)).map((f) => join(dir, f));
    expect(shardFiles).toHaveLength(total);
    const [mergeJson] = calls('posture:merge');
    const argv = mergeJson!.flatMap((a) => (a === 'gl-posture-shard-*.json' ? shardFiles : [a.endsWith('.json') ? join(dir, a) : fill(a, 0)]));
    const merged = await runCli(argv, env);
    const full = await runCli(['check', '--baseline', baseline, '--format', 'json'], env);
    expect(merged.code).toBe(full.code);
    const mergedReport = JSON.parse(readFileSync(join(dir, 'gl-posture.json'), 'utf8'));
    expect(mergedReport.summary).toEqual(JSON.parse(full.stdout).summary);
  });
});
