// Typed errors for every way a GitLab request can fail. They carry method, path (with query, never a
// token), status and GitLab's own message, never headers: the token lives there. The message reads
// like STYLE.md's: `GET /projects/acme%2Fweb/hooks -> 403: 403 Forbidden. hooks need Maintainer. Use …`
import type { ReadError, ReadErrorKind } from '../model/target';
import { redact } from './redact';

/** The error fields of a GitLab JSON error body; `message` may be a string, an array or an object (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export interface GitlabErrorBody {
  message?: unknown;
  error?: unknown;
  error_description?: unknown;
  scope?: unknown;
}

export interface GitlabErrorInit {
  method: string;
  /** Path under /api/v4 with its query string. */
  path: string;
  status?: number;
  /** GitLab's message, flattened to one line. */
  gitlabMessage?: string;
  /** The error fields of GitLab's body, kept as `cause`. */
  body?: GitlabErrorBody;
  /** Attempts made (1 = no retry). */
  attempts?: number;
  /** Low-level code for network errors (ECONNRESET, ENOTFOUND, UND_ERR_SOCKET…). */
  code?: string;
  /** What happened, when GitLab sent no message (network, timeout, bad body). */
  detail?: string;
  /** What to do. */
  hint?: string;
  /** Extra secrets to scrub from the message (the client's token). */
  secret?: string;
}

export class GitlabError extends Error {
  readonly kind: ReadErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly gitlabMessage?: string;
  readonly attempts: number;
  readonly code?: string;
  readonly hint?: string;

  constructor(kind: ReadErrorKind, init: GitlabErrorInit) {
    const path = redact(init.path, init.secret);
    const what = init.status !== undefined ? String(init.status) : (init.code ?? kind);
    const detail = init.gitlabMessage ?? init.detail ?? '';
    const tries = (init.attempts ?? 1) > 1 ? ` (after ${init.attempts} attempts)` : '';
    const parts = [`${init.method} ${path} -> ${what}${detail ? `: ${trimDot(detail)}` : ''}${tries}.`];
    if (init.hint) parts.push(init.hint);
    super(redact(parts.join(' '), init.secret), init.body ? { cause: scrubBody(init.body, init.secret) } : undefined);
    this.name = new.target.name;
    this.kind = kind;
    this.method = init.method;
    this.path = path;
    this.status = init.status;
    this.gitlabMessage = init.gitlabMessage === undefined ? undefined : redact(init.gitlabMessage, init.secret);
    this.attempts = init.attempts ?? 1;
    this.code = init.code;
    this.hint = init.hint;
    // Stacks repeat the message; scrub them too so `--verbose` can print them.
    if (this.stack) this.stack = redact(this.stack, init.secret);
  }
}

export class NotFoundError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('not_found', init);
  }
}
export class ForbiddenError extends GitlabError {
  /** The role, tier or scope the request needs, when known ("Maintainer", "Premium", "api scope"). */
  readonly needs?: string;
  constructor(init: GitlabErrorInit & { needs?: string }) {
    super('forbidden', init);
    this.needs = init.needs;
  }
}
export class UnauthorizedError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('unauthorized', init);
  }
}
export class RateLimitedError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('rate_limited', init);
  }
}
export class ServerError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('server', init);
  }
}
export class NetworkError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('network', init);
  }
}
export class TimeoutError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('timeout', init);
  }
}
/** A response we cannot use: not JSON, not the expected shape (a page that is not an array). */
export class BadResponseError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('bad_response', init);
  }
}
/**
 * GitLab refused the request itself: 400 validation, 405 (offset past the cap), 409 conflict, 412, 422.
 * Reads report it as `bad_response` (ReadErrorKind has no narrower kind); writes (revert) see the status.
 */
export class RejectedError extends GitlabError {
  constructor(init: GitlabErrorInit) {
    super('bad_response', init);
  }
}

/** For the collector: any error (ours, or anything else thrown) as a ReadError, token-free. */
export function toReadError(err: unknown, secret?: string): ReadError {
  if (err instanceof GitlabError) {
    const out: ReadError = { kind: err.kind, message: redact(err.message, secret), method: err.method, path: err.path };
    if (err.status !== undefined) out.status = err.status;
    return out;
  }
  // Not one of ours (a bug, or a gitbeaker error that bypassed our requester): never dump the object,
  // its `cause` can hold the request with the token header.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'bad_response', message: redact(message, secret) };
}

/** GitLab's message as one line: string, array of strings, `{field: [msgs]}` or `{error: "…"}` (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export function flattenGitlabMessage(body: unknown): string | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return oneLine(body);
  if (typeof body !== 'object') return String(body);
  const b = body as GitlabErrorBody;
  const parts: string[] = [];
  const flat = (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map((x) => flat(x)).filter(Boolean).join('; ');
    if (typeof v === 'object') {
      return Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => (k === 'error' || k === 'message' ? flat(x) : `${k} ${flat(x) ?? ''}`.trim()))
        .filter(Boolean)
        .join('; ');
    }
    return String(v);
  };
  const m = flat(b.message);
  const e = flat(b.error);
  if (e) parts.push(e);
  if (m) parts.push(m);
  const d = flat(b.error_description);
  if (d) parts.push(d);
  return parts.length ? oneLine(parts.join(': ')) : undefined;
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

function trimDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function scrubBody(body: GitlabErrorBody, secret?: string): GitlabErrorBody {
  return JSON.parse(redact(JSON.stringify(body), secret)) as GitlabErrorBody;
}

/** What a 403 on this endpoint needs (roles per area; EE endpoints unlicensed -> 403: docs/gitlab-behaviour.md, Tier detection and packaging). */
export function forbiddenNeeds(method: string, path: string): string | undefined {
  const p = path.split('?')[0];
  const isGroup = p.startsWith('/groups/');
  const write = method !== 'GET' && method !== 'HEAD';
  if (/^\/(application\/settings|license|audit_events)/.test(p)) return 'an administrator token';
  if (/\/hooks(\/|$)/.test(p)) return isGroup ? 'Owner (group hooks are Premium)' : 'Maintainer';
  if (/\/variables(\/|$)/.test(p)) return isGroup ? 'Owner' : 'Maintainer';
  if (/\/protected_branches(\/|$)/.test(p)) return isGroup ? 'Owner (group protected branches are Premium)' : 'Maintainer';
  if (/\/(approval_rules|approvals)(\/|$)/.test(p)) return 'Maintainer and a Premium licence';
  if (/\/merge_request_approval_setting$/.test(p)) return isGroup ? 'Owner and a Premium licence' : 'Maintainer and a Premium licence';
  if (/\/audit_events(\/|$)/.test(p)) return isGroup ? 'Owner and a Premium licence' : 'Maintainer and a Premium licence';
  if (/\/job_token_scope(\/|$)/.test(p)) return 'Maintainer';
  if (/^\/namespaces\//.test(p)) return 'Owner of the top-level group';
  if (write && /^\/groups\/[^/]+$/.test(p)) return 'Owner';
  if (write && /^\/projects\/[^/]+$/.test(p)) return 'Maintainer';
  return undefined;
}

/**
 * GitLab names an expired or revoked token in the 401 body (`{"error":"invalid_token","error_description":…}`,
 * lib/api/api_guard.rb; docs/gitlab-behaviour.md); an unknown one is a plain `401 Unauthorized`.
 */
function unauthorizedHint(body: GitlabErrorBody | undefined): string {
  const description = body?.error === 'invalid_token' && typeof body.error_description === 'string' ? body.error_description : '';
  if (/expired/i.test(description)) return 'The token has expired. Create a new token and set GITLAB_TOKEN to it.';
  if (/revoked/i.test(description)) return 'The token was revoked. Create a new token and set GITLAB_TOKEN to it.';
  return 'The token is invalid, expired or revoked. Set GITLAB_TOKEN to a valid token.';
}

/**
 * A 403 for the token's user rather than for the endpoint: APIGuard::HelperMethods#find_current_user!
 * (lib/api/api_guard.rb) answers every request of a user who may not use the API with `403 Forbidden - <reason>`,
 * the reason from Gitlab::Auth::UserAccessDeniedReason (lib/gitlab/auth/user_access_denied_reason.rb). No role or
 * scope helps then, so the hint says what does.
 */
function userAccessDenied(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const fix = 'GitLab refuses every API request of this token\'s user, whatever its role or scopes';
  if (/Your account has been blocked/i.test(message)) return `${fix}: the user is blocked. Ask an administrator to unblock the user, or set GITLAB_TOKEN to a token of an active user.`;
  if (/Your account is pending approval/i.test(message)) return `${fix}: the user awaits an administrator's approval. Ask an administrator to approve the user, or use a token of an active user.`;
  if (/Your account has been deactivated/i.test(message)) return `${fix}: the user is deactivated. Sign in once in a browser to reactivate it, or use a token of an active user.`;
  if (/must accept the Terms of Service/i.test(message)) return `${fix}: the user has not accepted the Terms of Service. Accept them in a browser, then run again.`;
  if (/Your password expired/i.test(message)) return `${fix}: the user's password expired. Set a new one in a browser, then run again.`;
  if (/primary email address is not confirmed/i.test(message)) return `${fix}: the user's email address is not confirmed. Confirm it, then run again.`;
  if (/cannot be performed by internal users/i.test(message)) return `${fix}: it is an internal user. Use a token of a regular user.`;
  return undefined;
}

/** The typed error for a non-2xx answer that we will not (or no longer) retry. */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
  opts: { attempts?: number; secret?: string; retryExhausted?: string } = {},
): GitlabError {
  const errBody: GitlabErrorBody | undefined =
    body && typeof body === 'object' && !Array.isArray(body) ? pick(body as Record<string, unknown>) : undefined;
  const gitlabMessage = flattenGitlabMessage(errBody ?? (typeof body === 'string' ? body : undefined));
  const base = { method, path, status, gitlabMessage, body: errBody, attempts: opts.attempts, secret: opts.secret };
  const target = targetOf(path);
  if (status === 401) return new UnauthorizedError({ ...base, hint: unauthorizedHint(errBody) });
  if (status === 403) {
    if (errBody?.error === 'insufficient_scope') {
      const scope = typeof errBody.scope === 'string' ? errBody.scope : 'api';
      return new ForbiddenError({
        ...base,
        needs: `${scope} scope`,
        hint: `The token lacks the \`${scope}\` scope. Create a token with the \`${scope}\` scope${scope === 'api' ? ' (read_api is enough for check, not for revert)' : ''}.`,
      });
    }
    const refusedUser = userAccessDenied(gitlabMessage);
    if (refusedUser) return new ForbiddenError({ ...base, hint: refusedUser });
    const needs = forbiddenNeeds(method, path);
    const exclude = target ? `, or add ${target} to targets.exclude` : '';
    return new ForbiddenError({
      ...base,
      needs,
      hint: needs
        ? `This endpoint needs ${needs}. Use a token with that role${exclude}.`
        : `The token's role does not allow this. Use a token with a higher role${exclude}.`,
    });
  }
  if (status === 404) {
    // `{"error":"404 Not Found"}` is an unknown route; `{"message":"404 … Not Found"}` a missing or invisible object (docs/gitlab-behaviour.md, Pagination, errors and authentication).
    const unknownRoute = errBody?.error === '404 Not Found' && errBody.message === undefined;
    return new NotFoundError({
      ...base,
      hint: unknownRoute
        ? 'GitLab does not know this route: an EE-only endpoint on a CE build, or a path that is not URL-encoded.'
        : `Not found or not visible to this token (GitLab answers 404 for both). Check the full path${target ? ` ${target}` : ''} and that the token's user is a member.`,
    });
  }
  if (status === 429) {
    return new RateLimitedError({
      ...base,
      hint: `${opts.retryExhausted ?? 'GitLab kept rate limiting.'} Lower --concurrency or retry after the limit resets.`,
    });
  }
  if (status >= 500) {
    return new ServerError({
      ...base,
      hint: `${opts.retryExhausted ?? ''} GitLab failed to answer; retry later or check the instance's health.`.trim(),
    });
  }
  return new RejectedError({
    ...base,
    hint: status === 405 ? 'Use keyset pagination for this list, or narrow it.' : 'GitLab rejected the request as sent.',
  });
}

function pick(b: Record<string, unknown>): GitlabErrorBody | undefined {
  const out: GitlabErrorBody = {};
  for (const k of ['message', 'error', 'error_description', 'scope'] as const) if (k in b) out[k] = b[k];
  return Object.keys(out).length ? out : undefined;
}

/** `/projects/acme%2Fweb/hooks` -> `acme/web` (for "add it to targets.exclude"). */
function targetOf(path: string): string | undefined {
  const m = /^\/(?:projects|groups)\/([^/?]+)/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
