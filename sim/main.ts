// `npm run sim -- --scenario incident --port 8080 [--projects N] [--latency MS] [--rate-limit N/SECONDS]
//   [--fault-rate R --seed S] [--state FILE] [--save FILE]`: runs the simulator until SIGINT/SIGTERM.
// It prints the sim's own fake tokens: that is what they are for.
import { Command, InvalidArgumentError } from 'commander';
import { startSim, type SimOptions } from './server';
import { SCENARIOS, type ScenarioName } from './scenarios';

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
}

function rateLimit(v: string): { limit: number; windowMs: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new InvalidArgumentError(`--rate-limit expects REQUESTS/SECONDS like 600/60, got "${v}"`);
  return { limit: Number(m[1]), windowMs: Number(m[2]) * 1000 };
}

function fraction(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`--fault-rate must be between 0 and 1, got "${v}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('sim')
    .description('GitLab REST v4 simulator')
    .option('--scenario <name>', `one of ${SCENARIOS.join(', ')}`, 'hardened')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any)', int('--port'), 0)
    .option('--projects <n>', 'generate N projects (scenario generate)', int('--projects'))
    .option('--latency <ms>', 'added latency per request', int('--latency'), 0)
    .option('--rate-limit <n/seconds>', 'throttle per token', rateLimit)
    .option('--fault-rate <r>', 'fraction of requests failing with 500/502', fraction, 0)
    .option('--seed <n>', 'PRNG seed for faults and generated data', int('--seed'), 1)
    .option('--state <file>', 'load state from a JSON file saved with --save')
    .option('--save <file>', 'save state to this file on exit');
  program.parse(argv);
  const o = program.opts<{
    scenario: string; port: number; projects?: number; latency: number; rateLimit?: { limit: number; windowMs: number };
    faultRate: number; seed: number; state?: string; save?: string;
  }>();
  if (!SCENARIOS.includes(o.scenario as ScenarioName)) program.error(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${o.scenario}"`);
  const opts: SimOptions = {
    scenario: o.projects && o.scenario === 'hardened' ? 'generate' : (o.scenario as ScenarioName),
    projects: o.projects,
    port: o.port,
    latencyMs: o.latency,
    rateLimit: o.rateLimit ?? null,
    faultRate: o.faultRate,
    seed: o.seed,
    stateFile: o.state,
  };
  const sim = await startSim(opts);
  const lines = [
    `GitLab simulator (${o.state ? `state ${o.state}` : `scenario ${opts.scenario}`}, ${sim.state.version}, ${sim.state.tier})`,
    `url: ${sim.url}`,
    `api: ${sim.apiUrl}`,
    `admin token: ${sim.tokens.admin}`,
    `owner token: ${sim.tokens.owner}`,
    `maintainer token: ${sim.tokens.maintainer}`,
    `developer token: ${sim.tokens.developer}`,
    `read-only token: ${sim.tokens.readOnly}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (o.save) {
      await sim.save(o.save);
      process.stdout.write(`state saved to ${o.save}\n`);
    }
    await sim.close();
    process.stdout.write(`stopped (${signal}); ${sim.totalRequests()} requests\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
