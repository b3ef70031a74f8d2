// `gitlab-posture watch --listen HOST:PORT [--revert]`: the audit-event streaming receiver (README,
// "Commands"). Runs until SIGINT/SIGTERM (or the test's abort signal), then drains its queue and saves its state.
// Exit codes on shutdown: 0 nothing left to do, 1 drift seen and left in place (no --revert, or not revertible),
// 2 something could not be read or written.
import { getCurrentUser } from '../../gitlab/users';
import type { Command } from 'commander';
import { GitlabClient } from '../../gitlab/client';
import { redact } from '../../gitlab/redact';
import { loadBaseline } from '../baseline/load';
import { loadRules } from '../../detections/engine';
import { DEFAULT_JOURNAL_DIR, newRunId } from '../revert/journal';
import { DEFAULT_STATE_FILE, loadWatchState } from '../watch/state';
import { DEFAULT_QUEUE_LIMIT, startWatcher, type Watcher, type WatcherConfig } from '../watch/watch';
import { connect, requireToken, ALLOW_HTTP_HELP } from './connect';
import { requireApiScope } from './revert';
import { positiveInt, repeatable } from './args';
import { UsageError, type CliIO } from './io';
import { jsonSafe, terminalSafe } from '../../lib/safe-text';

export interface WatchOptions {
  listen: string;
  baseline: string;
  url?: string;
  allowHttp?: boolean;
  revert?: boolean;
  /** Default .posture/watch-state.json. */
  state?: string;
  rules?: string[];
  /** A username; `false` turns author-based ignoring off; default the token's own user (GET /user). */
  ignoreAuthor?: string | false;
  journal?: string;
  queueLimit?: number;
}

/** What tests inject. */
export interface WatchDeps {
  /** Stops the watcher instead of SIGINT/SIGTERM. */
  signal?: AbortSignal;
  onReady?: (w: Watcher) => void;
  beforeProcess?: WatcherConfig['beforeProcess'];
  maxBodyBytes?: number;
  /** Matching steps per (rule, event); tests lower it to replay an over-budget rule. */
  ruleStepLimit?: number;
}

export const STREAMING_TOKEN_ENV = 'GITLAB_STREAMING_TOKEN';

/** `127.0.0.1:8787`, `[::1]:8787`, `:8787` (all interfaces is never the default: say 0.0.0.0 explicitly). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: expected HOST:PORT, e.g. 127.0.0.1:8787 (port 0 picks a free one).`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export async function runWatch(opts: WatchOptions, io: CliIO, deps: WatchDeps = {}): Promise<0 | 1 | 2> {
  const { host, port } = parseListen(opts.listen);
  // The verification token is a secret: from the environment only, never a flag (flags end up in shell history and `ps`).
  const verificationToken = io.env[STREAMING_TOKEN_ENV];
  if (!verificationToken) {
    throw new UsageError(
      `${STREAMING_TOKEN_ENV} is not set: export the verification token of the streaming destination (GitLab shows it when the HTTP destination is created), so deliveries can be verified.`,
    );
  }
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  const loaded = loadRules(opts.rules ?? []);
  if (loaded.problems.length > 0) {
    throw new UsageError(`detection rules did not load:\n${loaded.problems.map((p) => `  ${p.file}: ${p.message}`).join('\n')}`);
  }
  const gitlabToken = requireToken(io, opts.revert ? 'api' : 'read_api');
  const runId = newRunId(io.now());
  const { client, gitlab } = await connect({ ...(opts.url ? { url: opts.url } : {}), ...(opts.allowHttp ? { allowHttp: true } : {}), runId }, io, baseline, opts.revert ? 'api' : 'read_api');
  if (opts.revert) await requireApiScope(client);
  const stateFile = opts.state ?? DEFAULT_STATE_FILE;
  const state = loadWatchState(stateFile);
  if (state && state.url !== client.url) {
    throw new UsageError(`--state ${stateFile}: recorded for ${state.url}, not ${client.url}; event ids of another server mean nothing here. Pass another --state file.`);
  }
  const ignoreAuthor = await resolveIgnoreAuthor(client, opts.ignoreAuthor);
  const say = (text: string) => redact(text, gitlabToken, verificationToken);

  const watcher = await startWatcher({
    host, port, client, gitlab, baseline, rules: loaded.rules, verificationToken, gitlabToken,
    revert: Boolean(opts.revert), stateFile, state, ignoreAuthor, runId,
    journalDir: opts.journal ?? DEFAULT_JOURNAL_DIR,
    queueLimit: opts.queueLimit ?? DEFAULT_QUEUE_LIMIT,
    ...(deps.maxBodyBytes ? { maxBodyBytes: deps.maxBodyBytes } : {}),
    ...(deps.ruleStepLimit ? { ruleStepLimit: deps.ruleStepLimit } : {}),
    now: io.now,
    emit: (line) => io.stdout(jsonSafe(say(JSON.stringify(line))) + '\n'),
    log: (text) => io.stderr(terminalSafe(say(text)) + '\n'),
    ...(deps.beforeProcess ? { beforeProcess: deps.beforeProcess } : {}),
  });
  io.stderr(
    say(
      `gitlab-posture watch: listening on ${watcher.url} for ${client.url}` +
        `${opts.revert ? ' (reverting drift, journal ' + (opts.journal ?? DEFAULT_JOURNAL_DIR) + ')' : ''}; state ${stateFile}. Stop with Ctrl-C.\n`,
    ),
  );
  deps.onReady?.(watcher);
  await untilStopped(deps.signal);
  io.stderr('gitlab-posture watch: stopping: draining the queue and saving the state.\n');
  await watcher.stop();
  const s = watcher.stats();
  io.stderr(
    `gitlab-posture watch: ${s.processed} event(s) processed (${s.caughtUp} by catch-up), ${s.duplicates} duplicate(s), ` +
      `${s.refused} refused while full, ${s.untrustedTime} refused for an untrusted created_at, ${s.confirmed} confirmed through the audit API, ${s.matches} detection match(es), ${s.writes.verified} revert(s) verified.\n`,
  );
  if (s.errors > 0 || s.writes.failed > 0) return 2;
  return s.drift > s.writes.verified ? 1 : 0;
}

/**
 * Whose events are not reacted to. Default: the token's own user — the account watch writes with (a dedicated
 * service account makes this exact). GitLab records no user agent in audit events, so this and the memory of our
 * own writes (checks/watch/own-writes.ts) are what tell our reverts from other people's changes.
 */
async function resolveIgnoreAuthor(client: GitlabClient, flag: string | false | undefined): Promise<WatcherConfig['ignoreAuthor']> {
  if (flag === false) return null;
  if (typeof flag === 'string' && flag !== '') return { username: flag };
  const me = await getCurrentUser(client);
  if (typeof me.id !== 'number') throw new UsageError('GET /user returned no user id: cannot tell which events are watch\'s own; pass --ignore-author USERNAME.');
  return { id: me.id };
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function registerWatch(program: Command, io: CliIO, setExit: (code: 0 | 1 | 2) => void, deps: WatchDeps = {}): void {
  program
    .command('watch')
    .description('Receive GitLab audit event streaming: run detections on each event, re-check the target it touched, optionally revert the drift.')
    .requiredOption('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:8787')
    .option('--baseline <file>', 'baseline file', 'baseline.yaml')
    .option('--url <url>', 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)')
    .option('--allow-http', ALLOW_HTTP_HELP)
    .option('--revert', 'revert drift an event caused, through the same journaled path as `revert`')
    .option('--state <file>', `last processed event, for catch-up after a restart (default ${DEFAULT_STATE_FILE})`)
    .option('--rules <dir>', 'directory of extra Sigma rules (.yml), added to the built-in ones; repeatable', repeatable)
    .option('--ignore-author <username>', 'do not react to events by this user (default: the token\'s own user)')
    .option('--no-ignore-author', 'react to events by any user (own writes are still recognised)')
    .option('--journal <dir>', `journal directory for --revert (default ${DEFAULT_JOURNAL_DIR})`)
    .option('--queue-limit <n>', `events queued before deliveries get 503 + Retry-After (default ${DEFAULT_QUEUE_LIMIT})`, positiveInt)
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
    .action(async (o: Record<string, unknown>) => {
      setExit(
        await runWatch(
          {
            listen: o.listen as string,
            baseline: o.baseline as string,
            ...(o.url ? { url: o.url as string } : {}),
            ...(o.allowHttp ? { allowHttp: true } : {}),
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
