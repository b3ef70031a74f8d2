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
    // 8080: where the shipped baseline.yaml points, so `npm run sim` and `gitlab-posture check` meet without flags.
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', int('--port'), 8080)
    .option('--projects <n>', 'generate N projects (scenario generate)', int('--projects'))
    .option('--latency <ms>', 'added latency per request', int('--latency'), 0)
    .option('--rate-limit <n/seconds>', 'throttle per token', rateLimit)
    .option('--fault-rate <r>', 'fraction of requests failing with 500/502', fraction, 0)
    .option('--seed <n>', 'PRNG seed for faults and generated data', int('--seed'), 1)
    .option('--state <file>', 'load state from a JSON file saved with --save')
    .option('--save <file>', 'save state to this file on exit')
    .option('--stream-to <url>', 'register an audit event streaming destination (loopback URL, e.g. http://127.0.0.1:8787/) on the top-level group, to try `gitlab-posture watch`')
    .option('--stream-token <token>', 'its verification token (default: generated)');
  program.parse(argv);
  const o = program.opts<{
    scenario: string; port: number; projects?: number; latency: number; rateLimit?: { limit: number; windowMs: number };
    faultRate: number; seed: number; state?: string; save?: string; streamTo?: string; streamToken?: string;
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
  const stream = o.streamTo ? registerStream(sim, o.streamTo, o.streamToken) : undefined;
  const lines = [
    `GitLab simulator (${o.state ? `state ${o.state}` : `scenario ${opts.scenario}`}, ${sim.state.version}, ${sim.state.tier})`,
    `url: ${sim.url}`,
    `api: ${sim.apiUrl}`,
    `admin token: ${sim.tokens.admin}`,
    `owner token: ${sim.tokens.owner}`,
    `maintainer token: ${sim.tokens.maintainer}`,
    `developer token: ${sim.tokens.developer}`,
    `read-only token: ${sim.tokens.readOnly}`,
    ...(stream ? [`audit event streaming: ${stream.group} -> ${stream.url} (verification token ${stream.token})`] : []),
    '',
    'Paste into another shell (the owner token; `npm run demo` needs none of this):',
    `  export GITLAB_URL=${sim.url} GITLAB_TOKEN=${sim.tokens.owner}${stream ? ` GITLAB_STREAMING_TOKEN=${stream.token}` : ''}`,
    ...(stream ? [`  npx gitlab-posture watch --listen ${new URL(stream.url).host}`] : ['  npx gitlab-posture check']),
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

/** `--stream-to`: a streaming destination on the first top-level group, as GitLab stores one (Ultimate). */
function registerStream(sim: Awaited<ReturnType<typeof startSim>>, url: string, token?: string): { group: string; url: string; token: string } {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`--stream-to ${url}: the simulator streams only to loopback addresses`);
  const group = sim.state.groups.find((g) => g.parent_id === null);
  if (!group) throw new Error('--stream-to: the scenario has no top-level group');
  const verification = token ?? `sim-stream-${Math.random().toString(36).slice(2, 12)}`;
  group.streaming_destinations = [...(group.streaming_destinations ?? []), { id: (group.streaming_destinations?.length ?? 0) + 1, url, verification_token: verification }];
  return { group: group.full_path, url, token: verification };
}
