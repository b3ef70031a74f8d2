// `npm run bench -- <name> [args]`: benchmarks against the simulator on 127.0.0.1. They print figures;
// nothing here passes or fails on time (the machine is noisy: compare ratios within one run).
const benches: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  client: async () => (await import('./client')).benchClient as (args: string[]) => Promise<void>,
  check: async () => (await import('./check')).benchCheck,
  'since-last': async () => (await import('./since-last')).benchSinceLast,
  shard: async () => (await import('./shard')).benchShard,
  matching: async () => (await import('./matching')).benchMatching,
  startup: async () => (await import('./startup')).benchStartup,
  'watch-flood': async () => (await import('./watch-flood')).benchWatchFlood,
};

async function run(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = name ? [name] : Object.keys(benches);
  for (const n of names) {
    const load = benches[n];
    if (!load) {
      console.error(`bench: unknown benchmark "${n}". Available: ${Object.keys(benches).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    await (await load())(args);
  }
}

void run().catch((err: Error) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 2;
});
