// `gitlab-posture watch --listen HOST:PORT [--revert]`, once its flags are parsed: the audit-event streaming
// receiver (README, "Commands"). Runs until SIGINT/SIGTERM (or the test's abort signal), then drains its queue
// and saves its state. Exit codes on shutdown: 0 nothing left to do, 1 drift seen and left in place (no --revert,
// or not revertible), 2 something could not be read or written.
import { getCurrentUser } from '../../../gitlab/users';
import { GitlabClient } from '../../../gitlab/client';
import { redact } from '../../../gitlab/redact';
import { loadBaseline } from '../../baseline/load';
import { loadRules } from '../../../detections/engine';
import { newRunId } from '../../revert/journal';
import { loadWatchState } from '../../watch/state';
import { DEFAULT_JOURNAL_DIR, DEFAULT_STATE_FILE } from '../options';
import { DEFAULT_QUEUE_LIMIT } from '../../watch/queue';
import { startWatcher, type Watcher, type WatcherConfig } from '../../watch/watch';
import { connect, requireApiScope, requireToken } from '../connect';
import { UsageError, type CliIO } from '../io';
import { parseListen, STREAMING_TOKEN_ENV } from '../watch';
import { jsonSafe, terminalSafe } from '../../../lib/safe-text';

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
