// What a command may touch of the outside world, passed in so tests run commands in-process and capture
// everything they print (and can grep it for the token).
import { writeFileSync } from 'node:fs';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout / stderr are terminals (default format, colours, progress bar). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width when stdout is a terminal. */
  columns?: number;
  writeFile: (file: string, text: string) => void;
  now: () => Date;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
    writeFile: (file, text) => writeFileSync(file, text),
    now: () => new Date(),
  };
}

/** A user mistake or an unusable input: printed as one clear message, exit 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
