// Runs `revert` / `undo` (and the rest of the CLI) in-process with test hooks injected into those two commands
// (crashes between journal and write, locks set mid-run), mapping errors to exit codes the way main() does.
import { CommanderError, type Command } from 'commander';
import { afterEach, beforeEach } from 'vitest';
import { buildProgram } from '../../checks/cli/main';
import { registerRevert, type RevertDeps } from '../../checks/cli/revert';
import { registerUndo, type UndoDeps } from '../../checks/cli/undo';
import { UsageError } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import { startSim, type RunningSim, type SimOptions } from '../../sim/server';
import type { SimGroup, SimProject } from '../../sim/state';
import { ACME_HARDENED, captureIO, tempDir, writeBaseline } from './cli';

export { ACME_HARDENED, captureIO, tempDir, writeBaseline };

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** A thrown error that main would have reported as internal (a simulated crash ends here). */
  thrown?: unknown;
}

export async function run(argv: string[], env: Record<string, string | undefined>, deps: RevertDeps & UndoDeps = {}): Promise<Run> {
  const { io, out } = captureIO(env);
  let code: 0 | 1 | 2 = 0;
  const setExit = (c: 0 | 1 | 2) => void (code = c);
  const program = buildProgram(io, setExit);
  // Re-register revert and undo with the test's hooks in place of main's own registration.
  const commands = program.commands as Command[];
  commands.splice(0, commands.length, ...commands.filter((c) => !['revert', 'undo'].includes(c.name())));
  registerRevert(program, io, setExit, deps);
  registerUndo(program, io, setExit, deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode === 0 ? 0 : 2, stdout: out.stdout, stderr: out.stderr };
    if (err instanceof UsageError || err instanceof BaselineError || err instanceof GitlabError) {
      return { code: 2, stdout: out.stdout, stderr: out.stderr + `gitlab-posture: ${err.message}\n` };
    }
    return { code: 2, stdout: out.stdout, stderr: out.stderr, thrown: err };
  }
}

/** What a revert suite runs against, fresh for each test (see revertWorld). */
export interface RevertWorld {
  sim: RunningSim;
  /** Temp dir holding the baseline; suites write journals here. */
  dir: string;
  baseline: string;
  /** The environment of a run: the owner's token. */
  env: Record<string, string>;
  project(path: string): SimProject;
  group(path: string): SimGroup;
  /** Requests other than GET the sim has answered since it started (or its counts were reset). */
  writes(): number;
}

/**
 * Registers the hooks of a revert suite (at file or describe level): before each test a sim started with `opts`, a
 * temp dir with a baseline (`body`, default ACME_HARDENED) for it and the owner's token; after each, the sim closed.
 */
export function revertWorld(opts: SimOptions, body: string = ACME_HARDENED): RevertWorld {
  const world: RevertWorld = {
    sim: undefined as unknown as RunningSim,
    dir: '',
    baseline: '',
    env: {},
    project: (path) => world.sim.state.projects.find((p) => p.path_with_namespace === path)!,
    group: (path) => world.sim.state.groups.find((g) => g.full_path === path)!,
    writes: () => Object.entries(world.sim.counts()).filter(([k]) => !k.startsWith('GET ')).reduce((n, [, v]) => n + v, 0),
  };
  beforeEach(async () => {
    world.sim = await startSim(opts);
    world.dir = tempDir();
    world.baseline = writeBaseline(world.dir, world.sim.url, body);
    world.env = { GITLAB_TOKEN: world.sim.tokens.owner };
  });
  afterEach(async () => {
    await world.sim.close();
  });
  return world;
}
