// From flags, environment and baseline to a client and the detected GitLab (once per run).
import { GitlabClient } from '../../gitlab/client';
import type { ClientEvent } from '../../gitlab/requester';
import { detectGitlab } from '../../gitlab/tier';
import { formatEvent } from '../../gitlab/events';
import { GitlabError } from '../../gitlab/errors';
import { getTokenSelf } from '../../gitlab/users';
import type { Connection } from '../pipeline';
import type { Baseline } from '../../model/baseline';
import { clientClockOptions, UsageError, type CliIO } from './io';
import { terminalSafe } from '../../lib/safe-text';

export interface ConnectOptions {
  url?: string;
  /** `--allow-http`: accept a plain http:// URL to a host that is not loopback. */
  allowHttp?: boolean;
  concurrency?: number;
  verbose?: boolean;
  runId?: string;
  /** Counts retries and requests for the progress bar. */
  onEvent?: (e: ClientEvent) => void;
}


/** The URL comes from --url, GITLAB_URL or the baseline, in that order; the token only from GITLAB_TOKEN. */
export function resolveUrl(
  flag: string | undefined,
  io: CliIO,
  baseline?: Pick<Baseline, 'gitlab'>,
  policy: { allowHttp?: boolean } = {},
): string {
  const url = flag ?? io.env.GITLAB_URL ?? baseline?.gitlab.url;
  if (!url) throw new UsageError('No GitLab URL: pass --url, set GITLAB_URL, or set gitlab.url in the baseline.');
  const source = flag !== undefined ? '--url' : io.env.GITLAB_URL !== undefined ? 'GITLAB_URL' : 'gitlab.url in the baseline';
  return checkUrl(url, source, policy);
}

/** The checks every URL the tool sends the token to passes: http(s), no credentials, no clear text off this host. */
export function checkUrl(url: string, source: string, policy: { allowHttp?: boolean } = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('protocol');
  } catch {
    throw new UsageError(`GitLab URL "${url}" is not an http(s) URL. Example: --url https://gitlab.example.com`);
  }
  // Credentials in the URL would end up in messages and reports; the token belongs in GITLAB_TOKEN.
  if (parsed.username || parsed.password) {
    throw new UsageError(`GitLab URL ${parsed.protocol}//${parsed.host}: remove the user name and password from the URL; put the token in GITLAB_TOKEN.`);
  }
  // Every request carries the token in a header: over plain http anyone on the path reads it. Loopback never leaves
  // the machine (the simulator, a local tunnel); anything else needs https or an explicit --allow-http.
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname) && !policy.allowHttp) {
    throw new UsageError(
      `GitLab URL ${parsed.protocol}//${parsed.host} (${source}) is plain http: GITLAB_TOKEN would travel in clear. ` +
        'Use https://, or pass --allow-http if this network path is trusted.',
    );
  }
  return url;
}

/** localhost, 127.0.0.0/8, ::1 (URL.hostname keeps IPv6 brackets). */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::1' || /^::ffff:127(?:\.\d{1,3}){3}$/.test(h);
}

export function requireToken(io: CliIO, scope: 'read_api' | 'api'): string {
  const token = io.env.GITLAB_TOKEN;
  if (!token) {
    throw new UsageError(
      `GITLAB_TOKEN is not set. Create a personal, group or project access token with the ${scope} scope and export it as GITLAB_TOKEN.`,
    );
  }
  return token;
}

export async function connect(
  opts: ConnectOptions,
  io: CliIO,
  baseline: Pick<Baseline, 'gitlab' | 'targets'>,
  scope: 'read_api' | 'api' = 'read_api',
): Promise<Connection> {
  const url = resolveUrl(opts.url, io, baseline, { allowHttp: Boolean(opts.allowHttp) });
  const token = requireToken(io, scope);
  const client = new GitlabClient({
    url,
    token,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.runId ? { runId: opts.runId } : {}),
    ...clientClockOptions(io),
    onEvent: (e) => {
      opts.onEvent?.(e);
      if (opts.verbose && e.type !== 'request') io.stderr(terminalSafe(`gitlab-posture: ${formatEvent(e, token)}\n`));
    },
  });
  const gitlab = await detectGitlab(client, {
    ...(baseline.gitlab.tier ? { baselineTier: baseline.gitlab.tier } : {}),
    topGroups: [...baseline.targets.groups, ...baseline.targets.projects],
  });
  return { client, gitlab };
}

/**
 * Refuse before anything is planned when the token cannot write: a read_api token would fail every write with
 * 403 halfway through (`GET /personal_access_tokens/self`; docs/gitlab-behaviour.md, Pagination, errors and
 * authentication). Tokens that cannot describe themselves pass on.
 */
export async function requireApiScope(client: GitlabClient): Promise<void> {
  let self: { scopes?: string[] };
  try {
    self = await getTokenSelf(client);
  } catch (err) {
    if (err instanceof GitlabError && (err.kind === 'not_found' || err.kind === 'forbidden')) return;
    throw err;
  }
  const scopes = Array.isArray(self.scopes) ? self.scopes : [];
  if (!scopes.includes('api')) {
    throw new UsageError(
      `GITLAB_TOKEN has scope(s) ${scopes.join(', ') || '(none)'} (GET /personal_access_tokens/self); writing needs a token with the api scope. ` +
        'Use an api token, or run with --dry-run to only see the plan.',
    );
  }
}
