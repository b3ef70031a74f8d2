// Streaming pagination (docs/gitlab-behaviour.md, Pagination, errors and authentication): one page in memory at a time (or a small read-ahead window).
// Offset lists follow `x-next-page`, which keeps working above 10,000 rows where `x-total`,
// `x-total-pages` and `rel="last"` vanish; keyset lists follow `Link rel="next"` until there is none.
import { BadResponseError, GitlabError, RejectedError } from './errors';
import type { ApiResponse, Query, RequestInit } from './requester';

export type RequestFn = <T>(method: string, path: string, init?: RequestInit) => Promise<ApiResponse<T>>;

export interface PageOptions {
  /** Keyset pagination: `true` = order_by id, sort asc. Only for endpoints that support it (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
  keyset?: boolean | { orderBy?: string; sort?: 'asc' | 'desc' };
  /** Pages fetched ahead concurrently when the first page gives `x-total-pages` (default 6; 1 = sequential). */
  readAhead?: number;
  /** Default 100 (GitLab's maximum; larger values are clamped). */
  perPage?: number;
  /** Safety bound on pages per listing (default 100,000 = 10M rows). */
  maxPages?: number;
}

/** Endpoints whose offset lists may hit the 405 cap and which accept keyset ordered by id (docs/gitlab-behaviour.md, Pagination, errors and authentication). */
const KEYSET_BY_ID = /^\/projects$/;

/** `Link: <url>; rel="next", …` -> the next URL's query, or undefined. */
export function nextLinkQuery(link: string | undefined): Query | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2] === 'next') {
      // Only the query is taken: the request goes to our own base URL, never to a host a Link names.
      const url = new URL(m[1], 'http://placeholder.invalid');
      const q: Query = {};
      for (const k of new Set(url.searchParams.keys())) {
        const values = url.searchParams.getAll(k);
        // `k[]=a&k[]=b` goes back as an array so encodeQuery writes the same `k[]` pairs again.
        if (k.endsWith('[]')) q[k.slice(0, -2)] = values;
        else q[k] = values.length === 1 ? values[0] : values;
      }
      return q;
    }
  }
  return undefined;
}

function asPage<T>(res: ApiResponse<unknown>, method: string, shown: string): T[] {
  if (!Array.isArray(res.body)) {
    const got = res.body === null ? 'an empty body' : typeof res.body === 'object' ? 'an object' : `a ${typeof res.body}`;
    throw new BadResponseError({
      method,
      path: shown,
      status: res.status,
      detail: `expected a JSON array (a page of a list), got ${got}`,
      hint: 'Check that the URL points at GitLab and the path is a list endpoint.',
    });
  }
  return res.body as T[];
}

function showPath(path: string, query: Query): string {
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

function stripPaging(query: Query): Query {
  const q = { ...query };
  delete q.page;
  return q;
}

export async function* pages<T>(request: RequestFn, path: string, query: Query = {}, opts: PageOptions = {}): AsyncGenerator<T[], void, undefined> {
  const perPage = opts.perPage ?? (typeof query.per_page === 'number' ? query.per_page : Number(query.per_page) || 100);
  const maxPages = opts.maxPages ?? 100_000;
  if (opts.keyset) {
    yield* keysetPages<T>(request, path, { ...stripPaging(query), per_page: perPage }, opts, maxPages);
    return;
  }
  const base: Query = { ...stripPaging(query), per_page: perPage };
  // Keep ids on keyset-capable lists so a switch to keyset after a 405 does not repeat rows.
  const seen = KEYSET_BY_ID.test(path) ? new Set<number>() : undefined;
  const track = (rows: T[]): T[] => {
    if (seen) for (const r of rows) if (r && typeof (r as { id?: unknown }).id === 'number') seen.add((r as unknown as { id: number }).id);
    return rows;
  };

  let page = Number(query.page) > 0 ? Number(query.page) : 1;
  let res: ApiResponse<unknown>;
  try {
    res = await request<unknown>('GET', path, { query: { ...base, page } });
  } catch (e) {
    if (isOffsetCap(e) && seen) {
      yield* keysetPages<T>(request, path, base, { keyset: true }, maxPages, seen);
      return;
    }
    throw e;
  }
  yield track(asPage<T>(res, 'GET', showPath(path, { ...base, page })));

  const totalPages = Number(res.headers['x-total-pages']);
  const window = Math.max(1, opts.readAhead ?? 6);
  if (Number.isInteger(totalPages) && totalPages > page && window > 1) {
    // Totals known (<= 10,000 rows): fetch ahead concurrently through the limiter, yield in order.
    const inFlight: Promise<ApiResponse<unknown>>[] = [];
    let next = page + 1;
    const start = (): void => {
      const p = request<unknown>('GET', path, { query: { ...base, page: next } });
      p.catch(() => undefined); // consumed (or abandoned) below; never an unhandled rejection
      inFlight.push(p);
      next += 1;
    };
    try {
      while (next <= totalPages && inFlight.length < window) start();
      while (inFlight.length > 0) {
        const current = page + 1;
        res = await inFlight.shift()!;
        page = current;
        if (next <= totalPages) start();
        yield track(asPage<T>(res, 'GET', showPath(path, { ...base, page })));
      }
    } finally {
      // Consumer stopped early or a page failed: let the outstanding ones settle quietly.
      inFlight.length = 0;
    }
  }

  // Follow x-next-page (or Link rel=next when the header is missing) for the rest: rows beyond the
  // totals, lists above 10,000 rows, or rows added while we read.
  for (let n = 0; n < maxPages; n += 1) {
    const nextHeader = res.headers['x-next-page'];
    let nextQuery: Query | undefined;
    if (nextHeader !== undefined) {
      const np = Number(nextHeader);
      if (nextHeader.trim() === '' || !Number.isInteger(np)) return;
      if (np <= page) {
        throw new BadResponseError({
          method: 'GET',
          path: showPath(path, { ...base, page }),
          status: res.status,
          detail: `x-next-page ${np} does not advance past page ${page}`,
          hint: 'The server paginates inconsistently; retry, or report it with this message.',
        });
      }
      nextQuery = { ...base, page: np };
    } else {
      nextQuery = nextLinkQuery(res.headers.link);
      if (!nextQuery) return;
    }
    const np = Number(nextQuery.page) || page + 1;
    try {
      res = await request<unknown>('GET', path, { query: nextQuery });
    } catch (e) {
      if (isOffsetCap(e)) {
        if (seen) {
          // docs/gitlab-behaviour.md, Pagination, errors and authentication: offset past 50,000 -> 405; /projects continues with keyset by id.
          yield* keysetPages<T>(request, path, base, { keyset: true }, maxPages, seen);
          return;
        }
        const err = e as GitlabError;
        throw new RejectedError({
          method: 'GET',
          path: err.path,
          status: 405,
          gitlabMessage: err.gitlabMessage,
          hint: `${path} cannot be listed past GitLab's offset cap (offset_pagination_limit, default 50,000 rows) and does not support keyset here. Narrow the listing (fewer targets, or exclude subgroups).`,
        });
      }
      throw e;
    }
    page = np;
    yield track(asPage<T>(res, 'GET', showPath(path, nextQuery)));
  }
  throw tooManyPages(path, maxPages);
}

async function* keysetPages<T>(
  request: RequestFn,
  path: string,
  base: Query,
  opts: PageOptions,
  maxPages: number,
  skip?: Set<number>,
): AsyncGenerator<T[], void, undefined> {
  const k = typeof opts.keyset === 'object' ? opts.keyset : {};
  let query: Query = { ...base, pagination: 'keyset', order_by: k.orderBy ?? 'id', sort: k.sort ?? 'asc' };
  for (let n = 0; n < maxPages; n += 1) {
    const res = await request<unknown>('GET', path, { query });
    let rows = asPage<T>(res, 'GET', showPath(path, query));
    if (skip && skip.size > 0) rows = rows.filter((r) => !skip.has((r as unknown as { id?: number }).id as number));
    if (rows.length > 0) yield rows;
    const next = nextLinkQuery(res.headers.link);
    if (!next) return;
    query = next;
  }
  throw tooManyPages(path, maxPages);
}

function isOffsetCap(e: unknown): boolean {
  return e instanceof GitlabError && e.status === 405;
}

function tooManyPages(path: string, maxPages: number): BadResponseError {
  return new BadResponseError({
    method: 'GET',
    path,
    detail: `more than ${maxPages} pages`,
    hint: 'The listing did not end; the server may be looping on its next-page link.',
  });
}
