// Runs `detect` in-process through its own commander registration (the same code main.ts will wire), with
// everything it prints captured. Mirrors main()'s error handling: user mistakes and GitLab errors are exit 2.
import { Command, CommanderError } from 'commander';
import { writeFileSync } from 'node:fs';
import { registerDetect } from '../../checks/cli/detect';
import { UsageError, type CliIO } from '../../checks/cli/io';
import { BaselineError } from '../../checks/baseline/errors';
import { GitlabError } from '../../gitlab/errors';
import { redact } from '../../gitlab/redact';
import type { CliRun } from './cli';

export async function runDetectCli(argv: string[], env: Record<string, string | undefined> = {}, opts: { now?: Date; tty?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const files: Record<string, string> = {};
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ...env },
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: false,
    writeFile: (file, text) => {
      files[file] = text;
      writeFileSync(file, text);
    },
    now: () => opts.now ?? new Date(),
  };
  let code = 0;
  const program = new Command('gitlab-posture').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerDetect(program, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
    else if (err instanceof UsageError || err instanceof BaselineError || err instanceof GitlabError) {
      stderr += redact(`gitlab-posture: ${(err as Error).message}\n`, env.GITLAB_TOKEN);
      code = 2;
    } else throw err;
  }
  return { code, stdout, stderr, files, all: [stdout, stderr, ...Object.values(files)].join('\n') };
}
