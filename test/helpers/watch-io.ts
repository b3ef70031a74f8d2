// Runs `watch` in-process through commander with a captured CliIO, stopping it with an AbortSignal instead of
// SIGINT; errors map to exit codes the way checks/cli/main.ts does. `watchStory` is the sim world the watch suites share.
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { afterEach, beforeEach } from 'vitest';
import { buildProgram } from '../../checks/cli/main';
import { registerWatch, type WatchDeps } from '../../checks/cli/watch';
import { UsageError } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import type { Watcher } from '../../checks/watch';
import { startSim, type RunningSim } from '../../sim/server';
import { ACME_HARDENED, captureIO, tempDir, writeBaseline } from './cli';

export interface WatchRun {
  /** Undefined when the command ended before listening (a usage error). */
  watcher?: Watcher;
  out: { stdout: string; stderr: string };
  /** Stops the watcher (as Ctrl-C would) and returns the exit code. */
  stop(): Promise<number>;
  /** The JSON lines printed so far. */
  lines(): Record<string, unknown>[];
}

export async function startWatchCli(
  argv: string[],
  env: Record<string, string | undefined>,
  deps: Omit<WatchDeps, 'signal' | 'onReady'> = {},
): Promise<WatchRun> {
  const { io, out } = captureIO(env);
  let code: 0 | 1 | 2 = 0;
  const setExit = (c: 0 | 1 | 2) => void (code = c);
  const program = buildProgram(io, setExit);
  const commands = program.commands as Command[];
  commands.splice(0, commands.length, ...commands.filter((c) => c.name() !== 'watch'));
  const abort = new AbortController();
  let watcher: Watcher | undefined;
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  registerWatch(program, io, setExit, { ...deps, signal: abort.signal, onReady: (w) => ((watcher = w), ready()) });
  const done: Promise<number> = program.parseAsync(['watch', ...argv], { from: 'user' }).then(
    () => code,
    (err: unknown) => {
      if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
      if (err instanceof UsageError || err instanceof BaselineError || err instanceof GitlabError) {
        out.stderr += `gitlab-posture: ${err.message}\n`;
        return 2;
      }
      out.stderr += `gitlab-posture: internal error: ${(err as Error).stack ?? String(err)}\n`;
      return 2;
    },
  );
  await Promise.race([isReady, done]);
  return {
    watcher,
    out,
    stop: async () => {
      abort.abort();
      return done;
    },
    lines: () =>
      out.stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Waits until the sim has delivered every audit event and the watcher has worked through them (bounded). */
export async function quiesce(sim: RunningSim, watcher: Watcher, maxRounds = 25): Promise<void> {
  let last = -1;
  for (let i = 0; i < maxRounds; i++) {
    await sim.settleStreams();
    await watcher.idle();
    const n = sim.state.audit_events.length;
    if (n === last) return;
    last = n;
  }
  throw new Error(`sim and watcher still busy after ${maxRounds} rounds (a revert loop?)`);
}

/** Points the top-level group's HTTP streaming destination at the watcher (the sim streams only to 127.0.0.1). */
export function streamTo(sim: RunningSim, groupPath: string, url: string, verificationToken: string): void {
  const group = sim.state.groups.find((g) => g.full_path === groupPath);
  if (!group) throw new Error(`no group ${groupPath} in the sim`);
  group.streaming_destinations = [{ id: 1, url, verification_token: verificationToken }];
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** One watch story's world, fresh for each test (see watchStory). */
export interface WatchStory {
  sim: RunningSim;
  dir: string;
  baseline: string;
  /** Starts `watch` on an ephemeral port with this story's baseline, state file and journal; stopped after the test. */
  watch(extraArgs?: string[], deps?: Omit<WatchDeps, 'signal' | 'onReady'>): Promise<WatchRun>;
  /** The attacker (an owner) makes a project public through the API, as in the incident; returns its id. */
  makePublic(path: string): Promise<number>;
}

/**
 * Registers the hooks of a watch story: before each test the hardened sim with group acme public (GitLab refuses a
 * public project in a private group) and no restricted visibility levels (so an owner can publish, as on the
 * incident's instance), both set in the state so no audit event records them, and a baseline for acme; after each
 * test every watch run is stopped and the sim closed.
 */
export function watchStory(streamingToken: string, dirPrefix: string): WatchStory {
  const running: WatchRun[] = [];
  const story: WatchStory = {
    sim: undefined as unknown as RunningSim,
    dir: '',
    baseline: '',
    watch: async (extraArgs = [], deps = {}) => {
      const { sim, dir, baseline } = story;
      const r = await startWatchCli(
        ['--listen', '127.0.0.1:0', '--baseline', baseline, '--state', join(dir, 'state.json'), '--journal', join(dir, 'journal'), ...extraArgs],
        { GITLAB_TOKEN: sim.tokens.admin, GITLAB_STREAMING_TOKEN: streamingToken },
        deps,
      );
      running.push(r);
      if (!r.watcher) throw new Error(`watch did not start: ${r.out.stderr}`);
      return r;
    },
    makePublic: async (path) => {
      const { sim } = story;
      const project = sim.state.projects.find((p) => p.path_with_namespace === path)!;
      const res = await fetch(`${sim.apiUrl}/projects/${project.id}`, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': sim.tokens.attacker, 'Content-Type': 'application/json' },
        body: JSON.stringify({ visibility: 'public' }),
      });
      if (res.status !== 200) throw new Error(`making ${path} public answered ${res.status}: ${await res.text()}`);
      return project.id;
    },
  };
  beforeEach(async () => {
    story.sim = await startSim({ scenario: 'hardened' });
    story.sim.state.groups.find((g) => g.full_path === 'acme')!.visibility = 'public';
    story.sim.state.application_settings.restricted_visibility_levels = null;
    story.dir = tempDir(dirPrefix);
    story.baseline = writeBaseline(story.dir, story.sim.url, ACME_HARDENED);
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await story.sim.close();
  });
  return story;
}
