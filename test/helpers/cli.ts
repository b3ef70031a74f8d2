// Runs the CLI in-process with everything it prints and writes captured, so tests can assert on output and
// grep all of it for the token.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../checks/cli/main';
import type { CliIO } from '../../checks/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Files the command wrote through io.writeFile, by path. */
  files: Record<string, string>;
  /** Everything above in one string (for token greps). */
  all: string;
}

export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, opts: { now?: Date } = {}): Promise<CliRun> {
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
  const code = await main(argv, io);
  return { code, stdout, stderr, files, all: [stdout, stderr, ...Object.values(files)].join('\n') };
}

export function tempDir(prefix = 'posture-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a baseline file for the sim and returns its path. */
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
