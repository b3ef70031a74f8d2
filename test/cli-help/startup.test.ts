// `--help` of the built bin loads commander and the flag definitions only (issue 15 item 7: start-up time). Not a
// timed test (bench/startup.ts measures): the compiled CLI runs with a require hook that lists every module it
// loads, and the list must hold no reporter, schema library or command implementation. A command that runs is the
// control: the same hook sees zod and yaml load there.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const COMMANDS = ['check', 'explain', 'revert', 'undo', 'detect', 'gate', 'watch', 'init', 'rules', 'merge'];

let dir: string;
let bin: string;
let hook: string;

beforeAll(async () => {
  dir = tempDir('posture-startup-');
  // The build as `npm run build` makes it, into a directory of its own (dist/ may be stale or in use).
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { cwd: ROOT });
  // The data files scripts/copy-assets.js puts beside the code.
  for (const assets of ['policies/profiles', 'detections/rules']) cpSync(join(ROOT, assets), join(dir, 'dist', assets), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  cpSync(join(ROOT, 'bin', 'gitlab-posture.js'), join(dir, 'bin', 'gitlab-posture.js'));
  bin = join(dir, 'bin', 'gitlab-posture.js');
  hook = join(dir, 'trace-loads.js');
  writeFileSync(
    hook,
    `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const seen = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch {}
  return load.apply(this, arguments);
};
process.on('exit', () => writeFileSync(process.env.POSTURE_LOAD_TRACE, JSON.stringify([...seen])));
`,
  );
}, 300_000);

/** Runs the built bin under the hook: exit status, stdout, and the files it loaded (relative, `/`-separated). */
async function traced(args: string[]): Promise<{ stdout: string; files: string[] }> {
  const trace = join(dir, `trace-${args.join('-').replace(/[^a-z-]/gi, '')}.json`);
  // Rejects on a non-zero exit: every run here must succeed.
  const r = await run(process.execPath, ['--require', hook, bin, ...args], {
    cwd: dir,
    // The temporary build sits outside the repository: its packages come from the repository's node_modules.
    env: { PATH: process.env.PATH, NODE_PATH: join(ROOT, 'node_modules'), POSTURE_LOAD_TRACE: trace },
  });
  const loaded = JSON.parse(readFileSync(trace, 'utf8')) as string[];
  const files = loaded.filter((f) => f.includes(sep)).map((f) => (f.startsWith(dir) ? relative(dir, f) : relative(ROOT, f)).split(sep).join('/'));
  return { stdout: r.stdout, files };
}

function packagesOf(files: string[]): string[] {
  const names = files.flatMap((f) => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    return m ? [m[1]!] : [];
  });
  return [...new Set(names)].sort();
}

/** Project modules that must not load for help: command implementations and everything heavy behind them. */
const HEAVY = /^dist\/(checks\/cli\/run\/|checks\/(collect|report\/(?!formats)|baseline\/(load|schema)|evaluate|pipeline)|policies\/|gitlab\/(client|schemas|tier)|detections\/(?!engine\/types|report\/formats))/;

describe('--help of the built bin loads no command implementation', () => {
  it('gitlab-posture --help: commander is the only package loaded', async () => {
    const out = await traced(['--help']);
    expect(out.stdout).toContain('Usage: gitlab-posture [options] [command]');
    expect(packagesOf(out.files)).toEqual(['commander']);
    expect(out.files.filter((f) => HEAVY.test(f))).toEqual([]);
    // The command modules themselves are loaded (their flags are what help prints).
    expect(out.files).toContain('dist/checks/cli/check.js');
    expect(out.files).toContain('dist/checks/cli/options.js');
  });

  it.each(COMMANDS)('gitlab-posture %s --help: no zod, yaml, reporter or implementation', async (command) => {
    const out = await traced([command, '--help']);
    expect(out.stdout).toContain(`Usage: gitlab-posture ${command} `);
    expect(packagesOf(out.files)).toEqual(['commander']);
    expect(out.files.filter((f) => HEAVY.test(f))).toEqual([]);
  });

  it('control: a command that runs loads its implementation, zod and yaml through the same hook', async () => {
    const out = await traced(['rules', '--format', 'json']);
    expect((JSON.parse(out.stdout) as { rules: unknown[] }).rules.length).toBeGreaterThan(10);
    expect(packagesOf(out.files)).toEqual(expect.arrayContaining(['commander', 'yaml', 'zod']));
    expect(out.files).toContain('dist/checks/cli/run/rules.js');
  });
});
