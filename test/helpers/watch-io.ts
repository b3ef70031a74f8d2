// Runs `watch` in-process through commander with a captured CliIO, stopping it with an AbortSignal instead of
// SIGINT; errors map to exit codes the way checks/cli/main.ts does.
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../checks/cli/main';
import { registerWatch, type WatchDeps } from '../../checks/cli/watch';
import { UsageError } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import type { Watcher } from '../../checks/watch';
import type { RunningSim } from '../../sim/server';
import { captureIO } from './cli';

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
