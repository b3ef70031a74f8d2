// `npm run bench -- startup [--runs N]`: wall time of `gitlab-posture --help` (and `check --help`) through the built
// bin (dist/, plain JavaScript), through tsx (the TypeScript sources, as the bin ran before it was compiled) and of
// `node -e 0` (the floor), interleaved in one run so all see the same machine load. Figures, not pass/fail.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchStartup(args: string[]): Promise<void> {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Math.max(1, Number(args[i + 1]) || 7) : 7;
  if (!existsSync(join(ROOT, 'dist', 'checks', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'posture-startup-'));
  try {
    // The bin as it was before the build step: tsx compiling checks/cli/main.ts on every start.
    const tsxBin = join(dir, 'tsx-bin.js');
    writeFileSync(
      tsxBin,
      `require(${JSON.stringify(require.resolve('tsx/cjs'))});\n` +
        `require(${JSON.stringify(join(ROOT, 'checks', 'cli', 'main.ts'))}).main(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n`,
    );
    const built = join(ROOT, 'bin', 'gitlab-posture.js');
    const cases: [string, string[]][] = [
      ['node -e 0 (floor)', ['-e', '0']],
      ['built bin --help', [built, '--help']],
      ['built bin check --help', [built, 'check', '--help']],
      ['tsx bin --help', [tsxBin, '--help']],
    ];
    const times = cases.map(() => [] as number[]);
    for (const [, args] of cases) timeOnce(args); // warm the file cache for all
    for (let n = 0; n < runs; n++) cases.forEach(([, args], i) => times[i]!.push(timeOnce(args)));
    const floor = median(times[0]!);
    console.log(`startup: ${runs} runs each, interleaved; ratio to node -e 0`);
    cases.forEach(([name], i) => {
      const xs = times[i]!;
      console.log(
        `  ${name.padEnd(24)} median ${median(xs).toFixed(0).padStart(5)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})` +
          `  ${(median(xs) / floor).toFixed(2)}x`,
      );
    });
    console.log(`  tsx / built --help       ${(median(times[3]!) / median(times[1]!)).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
