// runCli (test/helpers/cli.ts) with `init` and `rules` available even before checks/cli/main.ts registers them:
// once main.ts has them this is plain runCli; until then it builds main's program, adds the two commands and
// maps errors to exit codes the way main() does.
import { writeFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram } from '../../checks/cli/main';
import { registerInit } from '../../checks/cli/init';
import { registerRules } from '../../checks/cli/rules';
import { UsageError, type CliIO } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import type { ExitCodeValue } from '../../checks/model';
import { runCli, type CliRun } from './cli';

function registered(): string[] {
  const io: CliIO = { stdout: () => {}, stderr: () => {}, env: {}, stdoutIsTTY: false, stderrIsTTY: false, writeFile: () => {}, now: () => new Date() };
  return buildProgram(io, () => {}).commands.map((c) => c.name());
}

export const MAIN_HAS_INIT_AND_RULES = ['init', 'rules'].every((c) => registered().includes(c));

export async function runPosture(argv: string[], env: Record<string, string | undefined> = {}, opts: { now?: Date } = {}): Promise<CliRun> {
  if (MAIN_HAS_INIT_AND_RULES) return runCli(argv, env, opts);
  let stdout = '';
  let stderr = '';
  const files: Record<string, string> = {};
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ...env },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    writeFile: (file, text) => {
      files[file] = text;
      writeFileSync(file, text);
    },
    now: () => opts.now ?? new Date(),
  };
  let code: ExitCodeValue = 0;
  const program = buildProgram(io, (c) => (code = c));
  const have = program.commands.map((c) => c.name());
  if (!have.includes('init')) registerInit(program, io, (c) => (code = c));
  if (!have.includes('rules')) registerRules(program, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
    else if (err instanceof BaselineError || err instanceof UsageError || err instanceof GitlabError) {
      stderr += `gitlab-posture: ${err.message}\n`;
      code = 2;
    } else throw err;
  }
  return { code, stdout, stderr, files, all: [stdout, stderr, ...Object.values(files)].join('\n') };
}
