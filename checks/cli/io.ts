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
  /**
   * The clock the GitLab client waits on between retries and for rate limits (default: the real one). Tests pass
   * one that records each wait and returns at once, and share it with the simulator's throttle.
   */
  clientClock?: ClientClock;
}

export interface ClientClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** GitlabClient options for the command's clock: nothing (real time) unless the caller injected one. */
export function clientClockOptions(io: Pick<CliIO, 'clientClock'>): Partial<ClientClock> {
  return io.clientClock ? { now: io.clientClock.now, sleep: io.clientClock.sleep } : {};
}

/**
 * `gitlab-posture check | head`: once the reader is gone, further output is dropped (EPIPE) and the command still
 * ends with its own exit code, instead of an unhandled 'error' event and a stack trace. Other errors still throw.
 */
const closed = new WeakSet<NodeJS.WriteStream>();
const watched = new WeakSet<NodeJS.WriteStream>();
function writerFor(stream: NodeJS.WriteStream): (text: string) => void {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed.add(stream);
      else throw e;
    });
  }
  return (text) => {
    if (!closed.has(stream) && !stream.destroyed) stream.write(text);
  };
}

export function processIO(): CliIO {
  return {
    stdout: writerFor(process.stdout),
    stderr: writerFor(process.stderr),
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
