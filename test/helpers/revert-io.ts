// Runs `revert`, `undo` and `check` in-process through commander with a captured CliIO, mapping errors to exit
// codes the way checks/cli/main.ts does, so tests see what a user would (and can grep all of it for the token).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../checks/cli/main';
import { registerRevert, type RevertDeps } from '../../checks/cli/revert';
import { registerUndo, type UndoDeps } from '../../checks/cli/undo';
import { UsageError, type CliIO } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** A thrown error that main would have reported as internal (a simulated crash ends here). */
  thrown?: unknown;
}

export function captureIO(env: Record<string, string | undefined>): { io: CliIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { ...env },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    writeFile: (file, text) => writeFileSync(file, text),
    now: () => new Date(),
  };
  return { io, out };
}

export async function run(argv: string[], env: Record<string, string | undefined>, deps: RevertDeps & UndoDeps = {}): Promise<Run> {
  const { io, out } = captureIO(env);
  let code: 0 | 1 | 2 = 0;
  const setExit = (c: 0 | 1 | 2) => void (code = c);
  const program = buildProgram(io, setExit);
  // main.ts may already register them once wired; the deps (test hooks) need our own registration then.
  const commands = program.commands as Command[];
  commands.splice(0, commands.length, ...commands.filter((c) => !['revert', 'undo'].includes(c.name())));
  registerRevert(program, io, setExit, deps);
  registerUndo(program, io, setExit, deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code, ...out };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode === 0 ? 0 : 2, ...out };
    if (err instanceof UsageError || err instanceof BaselineError || err instanceof GitlabError) {
      out.stderr += `gitlab-posture: ${err.message}\n`;
      return { code: 2, ...out };
    }
    return { code: 2, ...out, thrown: err };
  }
}

export function tempDir(prefix = 'posture-revert-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeBaseline(dir: string, url: string, body: string): string {
  const file = join(dir, 'baseline.yaml');
  writeFileSync(file, `gitlab: { url: "${url}" }\n${body}`);
  return file;
}

export const ACME_HARDENED = `targets: { groups: [acme] }
profile: hardened
settings:
  webhooks: { allowed_hosts: ["hooks.acme.example"] }
`;
