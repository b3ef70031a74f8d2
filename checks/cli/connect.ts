// From flags, environment and baseline to a client and the detected GitLab (once per run).
import { GitlabClient } from '../../gitlab/client';
import type { ClientEvent } from '../../gitlab/requester';
import { detectGitlab } from '../../gitlab/tier';
import { formatEvent } from '../../gitlab/events';
import type { GitlabInfo } from '../model';
import type { Baseline } from '../baseline/types';
import { UsageError, type CliIO } from './io';

export interface ConnectOptions {
  url?: string;
  concurrency?: number;
  verbose?: boolean;
  runId?: string;
  /** Counts retries and requests for the progress bar. */
  onEvent?: (e: ClientEvent) => void;
}

export interface Connection {
  client: GitlabClient;
  gitlab: GitlabInfo;
}

/** The URL comes from --url, GITLAB_URL or the baseline, in that order; the token only from GITLAB_TOKEN. */
export function resolveUrl(flag: string | undefined, io: CliIO, baseline?: Pick<Baseline, 'gitlab'>): string {
  const url = flag ?? io.env.GITLAB_URL ?? baseline?.gitlab.url;
  if (!url) throw new UsageError('No GitLab URL: pass --url, set GITLAB_URL, or set gitlab.url in the baseline.');
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
  return url;
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
  const url = resolveUrl(opts.url, io, baseline);
  const token = requireToken(io, scope);
  const client = new GitlabClient({
    url,
    token,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.runId ? { runId: opts.runId } : {}),
    onEvent: (e) => {
      opts.onEvent?.(e);
      if (opts.verbose && e.type !== 'request') io.stderr(`gitlab-posture: ${formatEvent(e, token)}\n`);
    },
  });
  const gitlab = await detectGitlab(client, {
    ...(baseline.gitlab.tier ? { baselineTier: baseline.gitlab.tier } : {}),
    topGroups: baseline.targets.groups,
  });
  return { client, gitlab };
}
