// Runs the CLI in-process with everything it prints and writes captured, so tests can assert on output and
// grep all of it for the token. Every command goes through main(), as a user's would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../checks/cli/main';
import type { ClientClock, CliIO } from '../../checks/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Files the command wrote through io.writeFile, by path. */
  files: Record<string, string>;
  /** Everything above in one string (for token greps). */
  all: string;
}

export interface CaptureOptions {
  now?: Date;
  /** Pretend stdout is a terminal (table by default). */
  tty?: boolean;
  /** The GitLab client's clock (test/helpers/clock.ts): retry and rate-limit waits recorded, not spent. */
  clock?: ClientClock;
}

export function captureIO(env: Record<string, string | undefined> = {}, opts: CaptureOptions = {}): { io: CliIO; out: { stdout: string; stderr: string; files: Record<string, string> } } {
  const out = { stdout: '', stderr: '', files: {} as Record<string, string> };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { ...env },
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: false,
    writeFile: (file, text) => {
      out.files[file] = text;
      writeFileSync(file, text);
    },
    now: () => opts.now ?? new Date(),
    ...(opts.clock ? { clientClock: opts.clock } : {}),
  };
  return { io, out };
}

export function collected(code: number, out: { stdout: string; stderr: string; files: Record<string, string> }): CliRun {
  return { code, stdout: out.stdout, stderr: out.stderr, files: out.files, all: [out.stdout, out.stderr, ...Object.values(out.files)].join('\n') };
}

export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, opts: CaptureOptions = {}): Promise<CliRun> {
  const { io, out } = captureIO(env, opts);
  return collected(await main(argv, io), out);
}

export { tempDir } from './tmp';

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
