// Offset pagination as GitLab does it (gitlab-api.md §1.5): per_page default 20, clamped to 100;
// x-* headers and Link; totals and rel="last" vanish above 10,000 rows.
import type { RouteRequest, RouteResult } from './kit';

const MAX_PER_PAGE = 100;
const TOTALS_CAP = 10_000;

export function perPageOf(req: RouteRequest): number {
  const n = Number(req.query.get('per_page') ?? 20);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PER_PAGE) : 20;
}

function pageLink(req: RouteRequest, page: number, perPage: number, rel: string): string {
  const url = new URL(req.url.toString());
  url.searchParams.set('page', String(page));
  url.searchParams.set('per_page', String(perPage));
  return `<${url.toString()}>; rel="${rel}"`;
}

export function paginate<T>(req: RouteRequest, items: readonly T[]): RouteResult {
  const perPage = perPageOf(req);
  const pageParam = Number(req.query.get('page') ?? 1);
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
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
