// Runs `revert` / `undo` (and the rest of the CLI) in-process with test hooks injected into those two commands
// (crashes between journal and write, locks set mid-run), mapping errors to exit codes the way main() does.
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../checks/cli/main';
import { registerRevert, type RevertDeps } from '../../checks/cli/revert';
import { registerUndo, type UndoDeps } from '../../checks/cli/undo';
import { UsageError } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import { captureIO } from './cli';

export { ACME_HARDENED, captureIO, tempDir, writeBaseline } from './cli';

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
