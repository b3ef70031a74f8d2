// Runs `gate` / `explain` in-process with captured IO. Through main() once they are wired into
// checks/cli/main.ts; until then on the same commander program (buildProgram) with the command registered
// here and main()'s error -> exit-code mapping for user mistakes.
import { writeFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { BaselineError } from '../../checks/baseline/errors';
import { registerExplain } from '../../checks/cli/explain';
import { registerGate } from '../../checks/cli/gate';
import type { CliIO } from '../../checks/cli/io';
import { UsageError } from '../../checks/cli/io';
import { buildProgram, main } from '../../checks/cli/main';
import type { ExitCodeValue } from '../../checks/model';
import type { CliRun } from './cli';

const REGISTER: Record<string, (p: Command, io: CliIO, setExit: (c: ExitCodeValue) => void) => void> = {
  gate: registerGate,
  explain: registerExplain,
};

export function captureIO(env: Record<string, string | undefined>, now?: Date): { io: CliIO; out: { stdout: string; stderr: string; files: Record<string, string> } } {
  const out = { stdout: '', stderr: '', files: {} as Record<string, string> };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { ...env },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    writeFile: (file, text) => {
      out.files[file] = text;
      writeFileSync(file, text);
    },
    now: () => now ?? new Date(),
  };
  return { io, out };
}

/** The program as the CLI builds it, plus gate/explain when main.ts does not register them yet. */
export function programWithCommands(io: CliIO, setExit: (c: ExitCodeValue) => void): Command {
  const program = buildProgram(io, setExit);
  for (const [name, register] of Object.entries(REGISTER)) {
    if (!program.commands.some((c) => c.name() === name)) register(program, io, setExit);
  }
  return program;
}

export async function runPosture(argv: string[], env: Record<string, string | undefined> = {}, opts: { now?: Date } = {}): Promise<CliRun> {
  const { io, out } = captureIO(env, opts.now);
  const wired = buildProgram(captureIO({}).io, () => undefined).commands.some((c) => c.name() === argv[0]);
  let code: number;
  if (wired) {
    code = await main(argv, io);
  } else {
    let exit: number = 0;
    try {
      await programWithCommands(io, (c) => (exit = c)).parseAsync(argv, { from: 'user' });
      code = exit;
    } catch (err) {
      if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
      else if (err instanceof BaselineError || err instanceof UsageError) {
        io.stderr(`gitlab-posture: ${err.message}\n`);
        code = 2;
      } else throw err;
    }
  }
  return { code, stdout: out.stdout, stderr: out.stderr, files: out.files, all: [out.stdout, out.stderr, ...Object.values(out.files)].join('\n') };
}
