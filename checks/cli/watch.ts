// `gitlab-posture watch --listen HOST:PORT [--revert]`: the audit-event streaming receiver (README,
// "Commands"). The flags and help live here; the run (./run/watch.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import { DEFAULT_QUEUE_LIMIT } from '../watch/queue';
import { UsageError, type CliIO } from './io';
import { baselineOption, connectionOf, DEFAULT_JOURNAL_DIR, DEFAULT_STATE_FILE, connectionOptions, journalOption, positiveInt, rulesDirOption, type Flags } from './options';
import type { WatchDeps } from './run/watch';

export type { WatchDeps } from './run/watch';

export const STREAMING_TOKEN_ENV = 'GITLAB_STREAMING_TOKEN';

/** `127.0.0.1:8787`, `[::1]:8787`, `:8787` (all interfaces is never the default: say 0.0.0.0 explicitly). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: expected HOST:PORT, e.g. 127.0.0.1:8787 (port 0 picks a free one).`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function registerWatch(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void, deps: WatchDeps = {}): void {
  const cmd = program
    .command('watch')
    .description('Receive GitLab audit event streaming: run detections on each event, re-check the target it touched, optionally revert the drift.')
    .requiredOption('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:8787');
  baselineOption(cmd);
  connectionOptions(cmd);
  cmd
    .option('--revert', 'revert drift an event caused, through the same journaled path as `revert`')
    .option('--state <file>', `last processed event, for catch-up after a restart (default ${DEFAULT_STATE_FILE})`);
  rulesDirOption(cmd);
  cmd
    .option('--ignore-author <username>', 'do not react to events by this user (default: the token\'s own user)')
    .option('--no-ignore-author', 'react to events by any user (own writes are still recognised)');
  journalOption(cmd, `journal directory for --revert (default ${DEFAULT_JOURNAL_DIR})`);
  cmd.option('--queue-limit <n>', `events queued before deliveries get 503 + Retry-After (default ${DEFAULT_QUEUE_LIMIT})`, positiveInt);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  export GITLAB_TOKEN=glpat-…            # api scope with --revert, else read_api
  export ${STREAMING_TOKEN_ENV}=…        # the HTTP destination's verification token
  gitlab-posture watch --listen 127.0.0.1:8787 --baseline baseline.yaml --revert

Point a top-level group's (or the instance's) HTTP streaming destination at the receiver. It speaks plain HTTP:
put it behind a TLS-terminating proxy (the verification token travels in a header), on loopback or a private network.
Prints one JSON object per line: match (a detection fired), check (a target re-checked), revert, ignored, error.
Exit codes on Ctrl-C: 0 nothing left to do, 1 drift left in place, 2 a read or write failed.`,
    )
    .action(async (o: Flags) => {
      const { runWatch } = await import('./run/watch');
      setExit(
        await runWatch(
          {
            listen: o.listen as string,
            baseline: o.baseline as string,
            ...connectionOf(o),
            ...(o.revert ? { revert: true } : {}),
            ...(o.state ? { state: o.state as string } : {}),
            ...(o.rules ? { rules: o.rules as string[] } : {}),
            ...(o.ignoreAuthor === false ? { ignoreAuthor: false as const } : typeof o.ignoreAuthor === 'string' ? { ignoreAuthor: o.ignoreAuthor } : {}),
            ...(o.journal ? { journal: o.journal as string } : {}),
            ...(o.queueLimit ? { queueLimit: o.queueLimit as number } : {}),
          },
          io,
          deps,
        ),
      );
    });
}
