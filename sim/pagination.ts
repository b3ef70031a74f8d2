// Offset pagination as GitLab does it (docs/gitlab-behaviour.md, Pagination, errors and authentication): per_page default 20, clamped to 100;
// x-* headers and Link; totals and rel="last" vanish above 10,000 rows.
import { SimHttpError, type RouteRequest, type RouteResult } from './kit';

const MAX_PER_PAGE = 100;
const TOTALS_CAP = 10_000;

/**
 * `page` and `per_page` as GitLab's `:pagination` params take them (lib/api/pagination_params.rb:
 * `optional :page, type: Integer, default: 1` and `optional :per_page, type: Integer, default: 20,
 * except_values: [0]`, with the `only_positive_pagination_values` flag off, its default). Grape answers 400 with
 * every failed param in one message ("page is invalid, per_page has a value not allowed"); a page below 1 is page 1
 * and a negative per_page the default 20 (Kaminari), more than 100 is 100.
 */
export function paginationParams(req: RouteRequest): { page: number; perPage: number } {
  const errs: string[] = [];
  const page = grapeInteger(req.query.get('page'));
  const perPage = grapeInteger(req.query.get('per_page'));
  if (page === 'invalid') errs.push('page is invalid');
  if (perPage === 'invalid') errs.push('per_page is invalid');
  else if (perPage === 0) errs.push('per_page has a value not allowed');
  if (errs.length > 0) throw new SimHttpError(400, { error: errs.join(', ') });
  return {
    page: typeof page === 'number' && page > 0 ? page : 1,
    perPage: typeof perPage === 'number' && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : 20,
  };
}

/** Grape `Integer` coercion (dry-types `Params::Integer`, Ruby `Integer(s, 10)`): absent, a number, or invalid. */
function grapeInteger(raw: string | null): number | undefined | 'invalid' {
  if (raw === null || raw === '') return undefined;
  return /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? Number(raw.trim().replace(/_/g, '')) : 'invalid';
}

export function perPageOf(req: RouteRequest): number {
  return paginationParams(req).perPage;
}

function pageLink(req: RouteRequest, page: number, perPage: number, rel: string): string {
  const url = new URL(req.url.toString());
  url.searchParams.set('page', String(page));
  url.searchParams.set('per_page', String(perPage));
  return `<${url.toString()}>; rel="${rel}"`;
}

export function paginate<T>(req: RouteRequest, items: readonly T[]): RouteResult {
  const { page, perPage } = paginationParams(req);
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const hasNext = page * perPage < total;
  const hasPrev = page > 1;
  const showTotals = total <= TOTALS_CAP;
  const links = [
    hasPrev ? pageLink(req, page - 1, perPage, 'prev') : undefined,
    hasNext ? pageLink(req, page + 1, perPage, 'next') : undefined,
    pageLink(req, 1, perPage, 'first'),
    showTotals ? pageLink(req, totalPages, perPage, 'last') : undefined,
  ].filter((l): l is string => l !== undefined);
  const headers: Record<string, string> = {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': hasNext ? String(page + 1) : '',
    'x-prev-page': hasPrev ? String(page - 1) : '',
    link: links.join(', '),
  };
  if (showTotals) {
    headers['x-total'] = String(total);
    headers['x-total-pages'] = String(totalPages);
  }
  return { status: 200, body: slice, headers };
}

/** Default `offset_pagination_limit` (docs/gitlab-behaviour.md, Pagination, errors and authentication); 0 disables the cap. */
export const OFFSET_PAGINATION_LIMIT = 50_000;

/**
 * On lists that also support keyset, an offset beyond the limit answers 405 with GitLab's body
 * (docs/gitlab-behaviour.md, Pagination, errors and authentication). `typeName` is the model name GitLab puts in the message (`Project`, `AuditEvent`).
 */
export function checkOffsetLimit(req: RouteRequest, typeName: string, limit: number): void {
  const { page, perPage } = paginationParams(req);
  if (limit <= 0) return;
  const offset = (page - 1) * perPage;
  if (offset > limit) {
    throw new SimHttpError(405, {
      error: `Offset pagination has a maximum allowed offset of ${limit} for requests that return objects of type ${typeName}. Remaining records can be retrieved using keyset pagination.`,
    });
  }
}

export function isKeyset(req: RouteRequest): boolean {
  return req.query.get('pagination') === 'keyset';
}

export interface KeysetOptions {
  /** `asc` pages with `id_after`, `desc` with `id_before` (projects); audit events use an opaque `cursor`. */
  sort: 'asc' | 'desc';
  style: 'id' | 'cursor';
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    const id = Number(parsed.id);
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ id: String(id), _kd: 'n' }), 'utf8').toString('base64url');
}

/**
 * Keyset pagination (docs/gitlab-behaviour.md, Pagination, errors and authentication): no x-total / x-page headers, only `Link: <…>; rel="next"`
 * while more rows remain. `items` may be in any order; they are ordered by id here.
 */
export function keysetPaginate<T extends { id: number }>(req: RouteRequest, items: readonly T[], opts: KeysetOptions): RouteResult {
  const perPage = perPageOf(req);
  const cursorParam = req.query.get('cursor');
  const afterParam = req.query.get('id_after');
  const beforeParam = req.query.get('id_before');
  let bound: number | undefined;
  if (cursorParam) bound = decodeCursor(cursorParam);
  else if (opts.sort === 'asc' && afterParam) bound = Number(afterParam);
  else if (opts.sort === 'desc' && beforeParam) bound = Number(beforeParam);
  const ordered = [...items].sort((a, b) => (opts.sort === 'asc' ? a.id - b.id : b.id - a.id));
  const remaining =
    bound === undefined || !Number.isFinite(bound)
      ? ordered
      : ordered.filter((x) => (opts.sort === 'asc' ? x.id > bound! : x.id < bound!));
  const slice = remaining.slice(0, perPage);
  const headers: Record<string, string> = {};
  if (remaining.length > perPage) {
    const last = slice[slice.length - 1].id;
    const url = new URL(req.url.toString());
    url.searchParams.delete('cursor');
    url.searchParams.delete('id_after');
    url.searchParams.delete('id_before');
    if (opts.style === 'cursor') url.searchParams.set('cursor', encodeCursor(last));
    else url.searchParams.set(opts.sort === 'asc' ? 'id_after' : 'id_before', String(last));
    url.searchParams.set('per_page', String(perPage));
    headers.link = `<${url.toString()}>; rel="next"`;
  }
  return { status: 200, body: slice, headers };
}
