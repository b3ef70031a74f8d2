// What revert and undo share around their writes: asking on a terminal before writing (or --yes), and Ctrl-C /
// SIGTERM meaning "start no new write; finish, verify and journal the ones in flight", then exit 2 naming the
// journal and what to run next (issue 15).
import { createInterface } from 'node:readline/promises';
import { UsageError, type CliIO } from './io';

/**
 * True to write. With --yes, no question; on a terminal (or with an injected confirm), the question; without
 * either, a usage error that says what to pass (`noTerminal`).
 */
export async function confirmWrites(
  io: CliIO,
  opts: { yes?: boolean; question: string; noTerminal: string; confirm?: (question: string) => Promise<boolean> },
): Promise<boolean> {
  if (opts.yes) return true;
  const interactive = io.stdoutIsTTY && Boolean(process.stdin.isTTY);
  if (!interactive && !opts.confirm) throw new UsageError(opts.noTerminal);
  return (opts.confirm ?? askOnTerminal)(opts.question);
}

/** Asks on the terminal (question on stderr, so stdout stays the report); only "y" or "yes" writes. */
export async function askOnTerminal(
  question: string,
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stderr },
): Promise<boolean> {
  const rl = createInterface(streams);
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Which signal stopped the writes, if any; pass `stop` to applySteps. */
export interface StopTrap {
  stop: () => boolean;
  signal: () => NodeJS.Signals | undefined;
}

/**
 * Runs `writes` with SIGINT/SIGTERM trapped: the first signal sets the stop flag (applySteps then starts no new
 * write) and says so on stderr; the listeners are removed however `writes` ends.
 */
export async function withStopOnSignal<T>(io: CliIO, writes: (trap: StopTrap) => Promise<T>): Promise<T> {
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted) io.stderr(`\ngitlab-posture: ${signal}: finishing the write(s) in flight, starting no new one…\n`);
    interrupted ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await writes({ stop: () => interrupted !== undefined, signal: () => interrupted });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The stderr lines after an interrupted run: where things stand, the journal, what to run next. */
export function interruptedMessage(
  signal: NodeJS.Signals,
  counts: { verified: number; done: number; planned: number; unit: string },
  journal: string,
  next: string,
): string {
  return (
    `gitlab-posture: interrupted (${signal}): ${counts.verified} of ${counts.planned} ${counts.unit} applied and verified, ` +
    `${counts.done - counts.verified} failed, ${counts.planned - counts.done} not started. Journal: ${journal}\n` +
    `Next: ${next}\n`
  );
}
