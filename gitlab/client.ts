// GitlabClient: our requester (retries, limiter, redaction) behind a small REST surface. Tests cross-check it
// with gitbeaker over the same core (test/helpers/gitbeaker.ts).
import { inspect } from 'node:util';
import { Limiter } from './limiter';
import { pages as paginate, type PageOptions } from './paginate';
import {
  type ApiResponse,
  type HttpMethod,
  type Query,
  Requester,
  type RequestInit,
  type RequesterOptions,
} from './requester';

/** The requester's options (timeouts, retries, backoff, user agent, events, test clocks), plus where and how wide. */
export interface ClientOptions extends Omit<RequesterOptions, 'apiUrl' | 'limiter' | 'fetch'> {
  /** `https://gitlab.example.com`, with or without `/api/v4`. */
  url: string;
  /** Max requests in flight (default 8). */
  concurrency?: number;
}

export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  errors: number;
  peakInFlight: number;
  effectiveConcurrency: number;
  wallMs: number;
}

/** URL-encodes an id or full path for a path segment: `acme/web` -> `acme%2Fweb` (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
export function enc(ref: string | number): string {
  return typeof ref === 'number' ? String(ref) : encodeURIComponent(ref);
}

/** `https://host/api/v4/` -> `https://host`. */
export function instanceUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

export class GitlabClient {
  /** Instance URL without `/api/v4`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly #core: Requester;
  readonly #limiter: Limiter;
  readonly #started: number;
  readonly #now: () => number;

  constructor(opts: ClientOptions) {
    if (!opts.url) throw new Error('GitlabClient: url is required (baseline gitlab.url, --url or GITLAB_URL).');
    if (!opts.token) throw new Error('GitlabClient: token is required (GITLAB_TOKEN).');
    this.url = instanceUrl(opts.url);
    this.apiUrl = `${this.url}/api/v4`;
    this.#now = opts.now ?? Date.now;
    this.#started = this.#now();
    let core: Requester | undefined;
    this.#limiter = new Limiter({
      concurrency: opts.concurrency,
      now: opts.now,
      sleep: opts.sleep,
      onThrottle: (e) => core?.emit(e),
    });
    core = new Requester({
      apiUrl: this.apiUrl,
      token: opts.token,
      limiter: this.#limiter,
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      retryBudgetMs: opts.retryBudgetMs,
      backoff: opts.backoff,
      userAgent: opts.userAgent,
      runId: opts.runId,
      onEvent: opts.onEvent,
      sleep: opts.sleep,
      now: opts.now,
      random: opts.random,
    });
    this.#core = core;
  }

  /** The user agent sent with every request (`gitlab-posture/0.1.0 run/<runId>`). */
  get userAgent(): string {
    return this.#core.userAgent;
  }

  request<T = unknown>(method: HttpMethod | string, path: string, init: RequestInit = {}): Promise<ApiResponse<T>> {
    return this.#core.request<T>(method, path, init);
  }

  async get<T = unknown>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>('POST', path, { body, query })).body;
  }

  async put<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>('PUT', path, { body, query })).body;
  }

  async patch<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>('PATCH', path, { body, query })).body;
  }

  async delete<T = unknown>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('DELETE', path, { query })).body;
  }

  /** Streams a list page by page (memory O(page × read-ahead)); see paginate.ts. */
  pages<T = unknown>(path: string, query: Query = {}, opts: PageOptions = {}): AsyncGenerator<T[], void, undefined> {
    return paginate<T>((m, p, i) => this.request(m, p, i), path, query, opts);
  }

  /** Every row of a list. Prefer `pages()` for lists that may be large. */
  async all<T = unknown>(path: string, query: Query = {}, opts: PageOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path, query, opts)) out.push(...page);
    return out;
  }

  /** Scrubs this client's token (and token-looking strings) from text before it is printed or saved. */
  redact(text: string): string {
    return this.#core.redact(text);
  }

  stats(): ClientStats {
    const c = this.#core.stats();
    const l = this.#limiter.stats();
    return {
      requests: c.requests,
      retries: c.retries,
      rateLimited: c.rateLimited,
      errors: c.errors,
      peakInFlight: l.peakInFlight,
      effectiveConcurrency: Math.round(l.effectiveConcurrency * 100) / 100,
      wallMs: this.#now() - this.#started,
    };
  }

  toJSON(): { url: string } {
    return { url: this.url };
  }

  [inspect.custom](): string {
    return `GitlabClient { url: '${this.url}' }`;
  }
}
