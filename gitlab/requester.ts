// The one place that sends HTTP to GitLab. Retries, backoff, rate-limit waits, timeouts, the limiter and
// redaction all live here, so the plain client and the gitbeaker instance behave the same.
//
// TLS verification is always on: we never pass rejectUnauthorized=false. A private CA is added the Node
// way, with NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment.
import { version as packageVersion } from '../package.json';
import {
  BadResponseError,
  errorFromResponse,
  GitlabError,
  NetworkError,
  TimeoutError,
} from './errors';
import { Limiter, realSleep } from './limiter';
import { redact } from './redact';

export const USER_AGENT = `gitlab-posture/${packageVersion}`;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ClientEvent =
  | { type: 'request'; method: string; path: string; status?: number; code?: string; ms: number; attempt: number }
  | { type: 'retry'; method: string; path: string; attempt: number; status?: number; code?: string; waitMs: number }
  | { type: 'rate-limited'; method: string; path: string; attempt: number; status: 429; waitMs: number; source: 'retry-after' | 'ratelimit-reset' | 'backoff' }
  | { type: 'throttle'; maxInFlight: number; intervalMs: number; pausedUntil?: number; remaining?: number; limit?: number };

export interface Backoff {
  baseMs: number;
  capMs: number;
}

export interface RequesterOptions {
  /** `https://host/api/v4`, no trailing slash. */
  apiUrl: string;
  token: string;
  limiter: Limiter;
  /** Per attempt (default 30,000 ms). */
  timeoutMs?: number;
  /** Retries per request (default 6). */
  maxRetries?: number;
  /** Total waiting between attempts per request (default 120,000 ms). */
  retryBudgetMs?: number;
  /** Exponential backoff with full jitter (default base 250 ms, cap 30 s). */
  backoff?: Backoff;
  /** Default `gitlab-posture/<version>`. */
  userAgent?: string;
  /** Appended to the user agent as `run/<runId>` so audit events show which run wrote. */
  runId?: string;
  onEvent?: (e: ClientEvent) => void;
  /** Tests: injectable sleep/clock/jitter/fetch. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

export type QueryValue = string | number | boolean | null | undefined | QueryValue[] | { [k: string]: QueryValue };
export type Query = Record<string, QueryValue>;

export interface RequestInit {
  /** Object (GitLab form encoding, docs/gitlab-behaviour.md, Pagination, errors and authentication) or an already-encoded query string. */
  query?: Query | string;
  /** Object -> JSON; string/FormData are sent as is (gitbeaker). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: T;
}

export interface RequesterStats {
  requests: number;
  retries: number;
  rateLimited: number;
  errors: number;
}

export const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 6,
  retryBudgetMs: 120_000,
  backoff: { baseMs: 250, capMs: 30_000 },
} as const;

/** Methods that are safe to send twice. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
const RETRY_STATUS = new Set([500, 502, 503, 504]);
/** Connection-level failures worth another try; TLS and DNS-name errors are not (they will not heal). */
const NO_RETRY_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|ENOTFOUND|ERR_INVALID_URL)/;

/** GitLab form encoding: `k[]=a`, `k[sub]=x`, `k[][sub]=x` (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export function encodeQuery(query: Query | string | undefined): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.replace(/^\?/, '');
  const parts: string[] = [];
  const add = (key: string, v: QueryValue): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) add(`${key}[]`, x);
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) add(`${key}[${k}]`, x);
    } else {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
    }
  };
  for (const [k, v] of Object.entries(query)) add(k, v);
  return parts.join('&');
}

export class Requester {
  readonly apiUrl: string;
  readonly userAgent: string;
  readonly limiter: Limiter;
  readonly #token: string;
  readonly #opts: Required<Pick<RequesterOptions, 'timeoutMs' | 'maxRetries' | 'retryBudgetMs' | 'backoff'>>;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;
  readonly #onEvent?: (e: ClientEvent) => void;
  readonly #stats: RequesterStats = { requests: 0, retries: 0, rateLimited: 0, errors: 0 };

  constructor(opts: RequesterOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.#token = opts.token;
    this.limiter = opts.limiter;
    this.#opts = {
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetries: opts.maxRetries ?? DEFAULTS.maxRetries,
      retryBudgetMs: opts.retryBudgetMs ?? DEFAULTS.retryBudgetMs,
      backoff: opts.backoff ?? DEFAULTS.backoff,
    };
    this.#sleep = opts.sleep ?? realSleep;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#fetch = opts.fetch ?? fetch;
    this.#onEvent = opts.onEvent;
    // Revert marks its writes with the run id so audit events can be traced back to the run.
    this.userAgent = `${opts.userAgent ?? USER_AGENT}${opts.runId ? ` run/${opts.runId}` : ''}`;
  }

  stats(): RequesterStats {
    return { ...this.#stats };
  }

  /** Scrubs this requester's token (and token-looking strings) from any text. */
  redact(text: string): string {
    return redact(text, this.#token);
  }

  emit(e: ClientEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent('path' in e ? { ...e, path: this.redact(e.path) } : e);
    } catch {
      // A broken progress bar must not break a read.
    }
  }

  /** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(attempt-1))]. */
  backoffMs(attempt: number): number {
    const { baseMs, capMs } = this.#opts.backoff;
    return Math.round(this.#random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
  }

  async request<T = unknown>(method: HttpMethod | string, path: string, init: RequestInit = {}): Promise<ApiResponse<T>> {
    const m = method.toUpperCase();
    const qs = encodeQuery(init.query);
    const [bare, inlineQs] = path.split('?', 2) as [string, string | undefined];
    const fullQs = [inlineQs, qs].filter(Boolean).join('&');
    const rel = `${bare.startsWith('/') ? bare : `/${bare}`}${fullQs ? `?${fullQs}` : ''}`;
    const shownPath = this.redact(rel);
    const url = `${this.apiUrl}${rel}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...(init.headers ?? {}) };
    let body: string | FormData | undefined;
    if (init.body !== undefined && init.body !== null) {
      if (typeof init.body === 'string' || init.body instanceof FormData) body = init.body;
      else {
        body = JSON.stringify(init.body);
        headers['content-type'] = 'application/json';
      }
    }
    // Both auth headers work (docs/gitlab-behaviour.md, Pagination, errors and authentication); PRIVATE-TOKEN is the documented one for access tokens.
    headers['private-token'] = this.#token;
    delete headers.authorization;

    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.#attempt<T>(m, url, shownPath, headers, body, attempt, init.signal);
      if ('response' in outcome) return outcome.response;
      const { error, retryable, waitMs, rateLimited } = outcome;
      const budget = this.#opts.retryBudgetMs;
      let giveUp: string | undefined;
      if (!retryable) {
        // not retried: the error as GitLab gave it
      } else if (attempt > this.#opts.maxRetries) giveUp = `Max retries (${this.#opts.maxRetries}) reached.`;
      else if (waited + waitMs > budget) {
        giveUp = rateLimited
          ? `GitLab asks to wait ${Math.ceil(waitMs / 1000)} s; with ${Math.round(waited / 1000)} s already waited that exceeds the retry budget of ${Math.round(budget / 1000)} s.`
          : `Retry budget of ${Math.round(budget / 1000)} s exhausted after ${attempt} attempts.`;
      }
      if (!retryable || giveUp) {
        this.#stats.errors += 1;
        throw giveUp ? error(giveUp) : error(undefined);
      }
      waited += waitMs;
      this.#stats.retries += 1;
      if (rateLimited) {
        this.emit({ type: 'rate-limited', method: m, path: shownPath, attempt, status: 429, waitMs, source: rateLimited });
        // Everyone holds off until the limit resets; this request then waits in the limiter like the rest.
        this.limiter.pauseFor(waitMs);
      } else {
        this.emit({ type: 'retry', method: m, path: shownPath, attempt, status: outcome.status, code: outcome.code, waitMs });
        await this.#sleep(waitMs);
      }
    }
  }

  async #attempt<T>(
    method: string,
    url: string,
    path: string,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<
    | { response: ApiResponse<T> }
    | {
        error: (giveUp: string | undefined) => GitlabError;
        retryable: boolean;
        waitMs: number;
        status?: number;
        code?: string;
        rateLimited?: 'retry-after' | 'ratelimit-reset' | 'backoff';
      }
  > {
    const idempotent = IDEMPOTENT.has(method);
    const secret = this.#token;
    await this.limiter.acquire();
    const started = this.#now();
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, this.#opts.timeoutMs);
    const onAbort = (): void => ctl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#stats.requests += 1;
    let status: number | undefined;
    try {
      const res = await this.#fetch(url, { method, headers, body, signal: ctl.signal, redirect: 'manual' });
      status = res.status;
      const resHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        resHeaders[k] = v;
      });
      const text = method === 'HEAD' || res.status === 204 ? '' : await res.text();
      this.limiter.observe(resHeaders);
      this.emit({ type: 'request', method, path, status: res.status, ms: this.#now() - started, attempt });
      const isJson = (resHeaders['content-type'] ?? '').includes('json');
      let parsed: unknown = text;
      let parseFailed = false;
      if (text === '') parsed = null;
      else if (isJson) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parseFailed = true;
        }
      }
      if (res.status >= 200 && res.status < 300) {
        if (parseFailed) {
          return {
            error: () =>
              new BadResponseError({ method, path, status: res.status, detail: 'the body is not valid JSON', hint: 'Check that the URL points at GitLab (not a proxy or login page).', secret }),
            retryable: false,
            waitMs: 0,
          };
        }
        return { response: { status: res.status, headers: resHeaders, body: parsed as T } };
      }
      if (res.status >= 300 && res.status < 400) {
        return {
          error: () =>
            new BadResponseError({
              method,
              path,
              status: res.status,
              detail: `redirected to ${redact(resHeaders.location ?? '(no location)', secret)}`,
              hint: 'Use the final GitLab URL (https, no trailing path); redirects are not followed so the token is never sent elsewhere.',
              secret,
            }),
          retryable: false,
          waitMs: 0,
        };
      }
      const errBody = parseFailed ? text : parsed;
      if (res.status === 429) {
        // A 429 means GitLab did not process the request, so even a POST is safe to send again.
        this.#stats.rateLimited += 1;
        const { waitMs, source } = this.#rateLimitWait(resHeaders, attempt);
        return {
          error: (giveUp) => errorFromResponse(method, path, 429, errBody, { attempts: attempt, secret, retryExhausted: giveUp }),
          retryable: true,
          waitMs,
          status: 429,
          rateLimited: source,
        };
      }
      // A POST that got a 5xx may have been applied before the failure: never resend it (revert
      // re-reads and reports instead of creating a second hook or protected branch).
      const retryable = idempotent && RETRY_STATUS.has(res.status);
      return {
        error: (giveUp) => errorFromResponse(method, path, res.status, errBody, { attempts: attempt, secret, retryExhausted: giveUp }),
        retryable,
        waitMs: retryable ? this.backoffMs(attempt) : 0,
        status: res.status,
      };
    } catch (e) {
      const ms = this.#now() - started;
      if (timedOut) {
        this.emit({ type: 'request', method, path, code: 'TIMEOUT', ms, attempt });
        return {
          error: (giveUp) =>
            new TimeoutError({
              method,
              path,
              code: 'timeout',
              detail: `no complete answer within ${this.#opts.timeoutMs} ms`,
              attempts: attempt,
              hint: `${giveUp ?? ''} Raise the timeout, lower --concurrency, or check the instance's health.`.trim(),
              secret,
            }),
          retryable: idempotent,
          waitMs: idempotent ? this.backoffMs(attempt) : 0,
          code: 'TIMEOUT',
        };
      }
      if (signal?.aborted) {
        throw new NetworkError({ method, path, code: 'ABORTED', detail: 'aborted by the caller', secret });
      }
      const code = networkCode(e);
      const message = redact(networkMessage(e), secret);
      this.emit({ type: 'request', method, path, status, code, ms, attempt });
      const retryable = idempotent && !NO_RETRY_CODES.test(code);
      const tls = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL)/.test(code);
      return {
        error: (giveUp) =>
          new NetworkError({
            method,
            path,
            status,
            code,
            detail: message,
            attempts: attempt,
            hint: [
              giveUp,
              tls
                ? 'TLS verification failed (it is never disabled). For a private CA set NODE_EXTRA_CA_CERTS=/path/to/ca.pem.'
                : code === 'ENOTFOUND'
                  ? 'The host name does not resolve; check the GitLab URL.'
                  : !idempotent
                    ? `The connection failed during a ${method}; it was not resent because GitLab may have applied it. Re-read the target before retrying.`
                    : 'Check the GitLab URL, the network and any proxy.',
            ]
              .filter(Boolean)
              .join(' '),
            secret,
          }),
        retryable,
        waitMs: retryable ? this.backoffMs(attempt) : 0,
        code,
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.limiter.release();
    }
  }

  /** 429: Retry-After (seconds or HTTP date), else RateLimit-Reset (Unix seconds), else backoff (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
  #rateLimitWait(h: Record<string, string>, attempt: number): { waitMs: number; source: 'retry-after' | 'ratelimit-reset' | 'backoff' } {
    const ra = h['retry-after'];
    if (ra !== undefined && ra.trim() !== '') {
      if (/^\d+(\.\d+)?$/.test(ra.trim())) return { waitMs: Math.ceil(Number(ra) * 1000), source: 'retry-after' };
      const at = Date.parse(ra);
      if (Number.isFinite(at)) return { waitMs: Math.max(0, at - this.#now()), source: 'retry-after' };
    }
    const reset = Number(h['ratelimit-reset']);
    if (h['ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset > 0) {
      const waitMs = reset > 1e9 ? reset * 1000 - this.#now() : reset * 1000;
      if (waitMs > 0) return { waitMs: Math.ceil(waitMs), source: 'ratelimit-reset' };
    }
    return { waitMs: this.backoffMs(attempt), source: 'backoff' };
  }
}

function networkCode(e: unknown): string {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c) return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (/other side closed|terminated|socket/i.test(msg)) return 'UND_ERR_SOCKET';
  return 'FETCH_FAILED';
}

function networkMessage(e: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur instanceof Error && !seen.has(cur) && parts.length < 3) {
    seen.add(cur);
    parts.push(cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.length ? parts.join(': ') : String(e);
}
